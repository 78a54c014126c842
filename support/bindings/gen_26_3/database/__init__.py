"""The database tier: a PostgreSQL server, Backend.AI schema, a clean database per scenario."""
