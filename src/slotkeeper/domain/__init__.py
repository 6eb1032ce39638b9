"""Pure booking rules: no I/O, no imports from the rest of slotkeeper."""
