# Examhall (fr): office.

## Personnel : examens et tentatives
staff-exams = Examens
staff-exam = Examen
staff-questions = Questions
staff-statistics = Statistiques
staff-attempts = Tentatives
staff-loading = Chargement…
staff-no-attempts = Aucune tentative pour l'instant.
staff-candidate = Candidat
staff-status = État
staff-score = Score
staff-result = Résultat
staff-status-in-progress = en cours
staff-status-submitted = rendu, correction en cours
staff-status-graded = corrigé
staff-percent = { $percent } %
staff-pass = réussi
staff-not-passed = non réussi

## Correction des rédactions
marking-title = Rédactions à corriger ({ $count })
marking-essay-info = { $candidate } · { $exam } · { $n ->
    [one] sur { $max } point
   *[other] sur { $max } points
  }
marking-no-answer = (pas de réponse)
marking-mark = Note
marking-comment = Commentaire
marking-save = Enregistrer la note
marking-nothing = Rien à corriger.
marking-saved = Note enregistrée ; le résultat a été mis à jour.
marking-not-a-number = { $text } n'est pas une note : saisissez un nombre.

## Corriger une clé de correction
regrade-title = Corriger une clé de correction
regrade-question = Question
regrade-correct-option = Bonne réponse
regrade-choose = Choisir…
regrade-current-key = { $option } (clé actuelle)
regrade-reason = Motif
regrade-preview = Aperçu
regrade-summary = { $changed ->
    [one] { $changed } note change
   *[other] { $changed } notes changent
  } ; { $passing ->
    [one] { $passing } candidat réussirait désormais
   *[other] { $passing } candidats réussiraient désormais
  } et { $failing ->
    [one] { $failing } échouerait
   *[other] { $failing } échoueraient
  } (seuil de réussite { $percent } %).
regrade-candidate = Candidat
regrade-now = Actuellement
regrade-after = Après
regrade-pass-mark = Seuil de réussite
regrade-now-passes = réussit désormais
regrade-now-fails = échoue désormais
regrade-apply = Appliquer et recorriger
regrade-applied = Clé corrigée ; { $count ->
    [one] { $count } tentative est en cours de recorrection.
   *[other] { $count } tentatives sont en cours de recorrection.
  }

## Impression et export
reports-title = Imprimer et exporter
reports-summary-pdf = Synthèse PDF
reports-sheets-pdf = Tous les relevés de résultats (PDF)
reports-room-pdf = Rapport de salle PDF
reports-results-csv = Résultats CSV
reports-items-csv = Analyse des questions CSV
reports-workbook-xlsx = Classeur (XLSX)
reports-busy-summary = Impression de la synthèse…
reports-busy-room = Impression du rapport de salle…
reports-busy-results = Export des résultats…
reports-busy-items = Export de l'analyse des questions…
reports-busy-workbook = Export du classeur…
# Suivi du chemin du fichier.
reports-saved-to = Enregistré dans{ " " }
reports-printing = Impression des relevés de résultats : { $done } sur { $total }
reports-cancel = Annuler
reports-cancelled = L'impression a été annulée ; aucun fichier n'a été écrit.

## Statistiques de l'examen
analysis-title = { $exam } : statistiques
analysis-computing = Calcul en cours…
analysis-back = Retour
analysis-not-available = n.d.
analysis-percent = { $percent } %
analysis-graded-attempts = Tentatives corrigées
analysis-mean = Moyenne
analysis-median = Médiane
analysis-sd-long = Écart type
analysis-range = Minimum – maximum
analysis-pass-rate = Taux de réussite
analysis-pass-rate-value = { $rate } % (seuil de réussite { $mark } %)
analysis-skewness = Asymétrie
analysis-kurtosis = Aplatissement
analysis-alpha = α de Cronbach
analysis-error-ratio = Rapport d'erreur
analysis-standard-error = Erreur type
analysis-provisional = { $count ->
    [one] { $count } tentative comporte des rédactions en attente de correction : son total, et ces chiffres, sont provisoires.
   *[other] { $count } tentatives comportent des rédactions en attente de correction : leurs totaux, et ces chiffres, sont provisoires.
  }
analysis-distribution = Répartition des totaux
analysis-histogram-label = Histogramme des totaux de points
analysis-bin-title = { $from }–{ $to } : { $count ->
    [one] { $count } tentative
   *[other] { $count } tentatives
  }
analysis-by-sitting = Par session
analysis-legend-mean = ● note moyenne
analysis-legend-pass-rate = ● taux de réussite
analysis-trend-label = Note moyenne et taux de réussite par session
analysis-trend-mean = Session { $sitting } ({ $opened }) : moyenne { $mean } %, { $count ->
    [one] { $count } tentative
   *[other] { $count } tentatives
  }
analysis-trend-pass-rate = Session { $sitting } : taux de réussite { $rate } %
analysis-items = Questions
analysis-question = Question
analysis-facility = Facilité
analysis-sd = ET
analysis-discrimination = Discrimination
analysis-efficiency = Efficacité
analysis-flags = Alertes
analysis-option-key = Option (✓ = clé)
analysis-top-group = Groupe supérieur
analysis-bottom-group = Groupe inférieur
analysis-everyone = Tous
analysis-distractors-title = Options choisies par les 27 % supérieurs et inférieurs ({ $count ->
    [one] { $count } candidat
   *[other] { $count } candidats
  } par groupe)
