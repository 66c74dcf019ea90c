"""Content and discussion spaces (coaching art. 6.1): the provider's library, discussion spaces,
session chat, challenges, validated uploads served with authorization.
"""
