"""Programme, priority areas, objectives and indicators, the NIH team and its recommendations."""
