"""The pages: one package per page blueprint, side by side; each calls features only."""
