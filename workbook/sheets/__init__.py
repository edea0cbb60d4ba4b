"""The CEO model workbook, declared: the template and the optional Plan and Simulation sheets."""
