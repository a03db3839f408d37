"""Pages anyone may open: published results and the verification of printed documents."""
