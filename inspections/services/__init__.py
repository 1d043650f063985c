"""Every write of the spot-check process is one service function here: it checks the actor's permission and the
record's state, runs atomically, writes an audit entry and refuses an illegal move with a clear error."""
