"""Server-rendered pages of the collaboration app, by area: recommendations, programme."""
