"""Detection: normalisation, recognizers loaded from YAML, validators, context, overlap resolution."""
