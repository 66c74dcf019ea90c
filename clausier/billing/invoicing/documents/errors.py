from clausier.core.errors import DomainError


class DocumentError(DomainError, ValueError):
    """The invoice cannot be turned into a document (inconsistent or unsupported data)."""

    code = "document_refused"
