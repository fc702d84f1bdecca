"""Interviewer brains: one module each, all implementing `base.Provider`."""
