"""Report stage: findings -> Excel workbook (for managers) and console summary (for ops/CI)."""
