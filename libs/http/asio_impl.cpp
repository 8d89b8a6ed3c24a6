// Asio is compiled once here (BOOST_ASIO_SEPARATE_COMPILATION), not in every translation unit.
#include <boost/asio/impl/src.hpp>
