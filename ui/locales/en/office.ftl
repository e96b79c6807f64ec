# Examhall (en): office.
