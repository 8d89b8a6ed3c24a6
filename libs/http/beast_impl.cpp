// Beast is compiled once here (BOOST_BEAST_SEPARATE_COMPILATION), not in every translation unit.
#include <boost/beast/src.hpp>
