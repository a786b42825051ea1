"""Finding things: full-text search across the programme and traceability between records."""
