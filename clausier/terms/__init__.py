"""Terms of sale as data: versioned terms packs and the pure rules that read them."""
