"""Names of private persons and home addresses: cues, grammar, the gazetteer, surnames, later mentions."""
