"""Server-rendered pages of the spot-check process, one module per kind of user."""
