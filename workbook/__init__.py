"""The CEO model workbook: template spec, builder, headless recalculation, validation."""
