CREATE INDEX widgets_by_name ON widgets (name);
