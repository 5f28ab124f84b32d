"""Image files (scans, photographed forms) read by OCR and masked by painting."""
