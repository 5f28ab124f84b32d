"""Legacy and other office formats (.doc .xls .wps .et .rtf .odt .ods) through LibreOffice."""
