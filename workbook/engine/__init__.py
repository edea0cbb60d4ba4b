"""Recalculating without Excel: which engine, LibreOffice (persistent, with the CEO_* add-in) and formulas."""
