# Examhall (fr): console.
