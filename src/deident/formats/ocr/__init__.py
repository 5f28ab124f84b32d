"""Below the image, Office and PDF families: offline OCR, pictures decoded and repainted, and
pictures inside containers read as segments of their container."""
