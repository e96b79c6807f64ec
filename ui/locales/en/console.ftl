# Examhall (en): console.
