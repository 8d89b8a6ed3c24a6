-- Text a naive embedder would break: )" and )sql" and \\n and ${NOT_A_VARIABLE}; [[x]]
INSERT INTO widgets (name) VALUES ('semi;colon'), ('emoji 🚀');
