"""Intake: an upload's bytes -> raw sheets -> one table -> mapped columns -> canonical rows and findings."""
