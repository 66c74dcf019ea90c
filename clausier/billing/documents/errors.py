class DocumentError(ValueError):
    """The invoice cannot be turned into a document (inconsistent or unsupported data)."""
