"""Step libraries, one per domain concept. Registered for every feature by the root conftest.py."""
