# Examhall (fr): office.
