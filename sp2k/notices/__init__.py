"""Notices: what the portal tells a person (in the portal and by e-mail), each with a link to act on."""
