"""Public ratings (群众扫码评价 / 好差评): QR codes, the no-login rating page, follow-ups."""
