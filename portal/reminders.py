"""Reminders: the registry of dated things and the send-once engine (being built)."""
