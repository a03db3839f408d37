"""Who may read notices: everybody signed in reads their own (the queries are scoped to the reader)."""

import rules

rules.add_perm("notices.view_own_notices", rules.is_authenticated & rules.is_active)
