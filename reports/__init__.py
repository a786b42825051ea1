"""Programme reports (PDF and spreadsheet), built in the worker on demand and on a schedule."""
