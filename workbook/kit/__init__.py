"""Generic workbook machinery: the spec vocabulary, layout on cells, formula text, the writer, safe files."""
