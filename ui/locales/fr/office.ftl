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
staff-void-column = Annulation ou rattrapage
staff-resit = Réinitialiser pour un rattrapage…
staff-resit-reason = Pourquoi le candidat repasse l'épreuve
staff-resit-confirm = Confirmer : réinitialiser
staff-resit-is = réinitialisée pour un rattrapage : { $reason }
staff-resit-needs-reason = Saisissez pourquoi le candidat repasse l'épreuve : l'ancienne copie est conservée avec le motif.
staff-void = Annuler pour fraude…
staff-void-reason = Ce qui a été constaté, et par qui
staff-void-confirm = Confirmer : annuler
staff-void-cancel = Renoncer
staff-void-is = annulée : { $reason }
staff-void-needs-reason = Saisissez ce qui a été constaté, et par qui : une copie annulée est enregistrée avec le motif.

## Correction des rédactions
marking-title = Rédactions à corriger ({ $count })
marking-essay-info = { $candidate } · { $exam } · { $n ->
    [one] sur { $max } point
   *[other] sur { $max } points
  }
marking-no-answer = (pas de réponse)
marking-guidance = Consignes de correction
marking-mark = Note
marking-comment = Commentaire
marking-save = Enregistrer la note
marking-nothing = Rien à corriger.
marking-saved = Note enregistrée ; le résultat a été mis à jour.
marking-not-a-number = { $text } n'est pas une note : saisissez un nombre.

## Corriger une clé de correction
regrade-title = Corriger une question après l'examen
regrade-question = Question
regrade-action = Correction
regrade-action-key = Modifier la clé
regrade-action-void = Annuler cette question (points accordés à tous)
regrade-voided-label = { $question } (annulée)
regrade-void-note = Chaque candidat qui a reçu cette question en obtient tous les points, quelle que soit sa réponse. Les notes manuelles sur cette question sont écartées.
regrade-accepted-options = Réponses qui rapportent tous les points (cochez-en une seconde pour l'accepter aussi)
regrade-right-options = Bonnes réponses
regrade-correct-option = Bonne réponse
regrade-value = Valeur
regrade-tolerance = Tolérance (±)
regrade-accepted-text = Réponses acceptées, une par ligne (* remplace n'importe quoi)
regrade-case-sensitive = Respecter la casse
regrade-json-only = La clé de ce type se corrige dans son JSON ci-dessous.
regrade-json = La clé en JSON (avancé)
regrade-key-unread = La clé ne se lit pas encore : voyez le message au-dessus du motif.
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
regrade-applied = Correction enregistrée ; { $count ->
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

## Navigation du personnel
staffnav-label = Pages du personnel
staffnav-results = Résultats
staffnav-bank = Banque de questions
staffnav-builder = Création d'examen
staffnav-users = Comptes
users-new = Nouveau compte
users-intro = Créez un compte pour un candidat, un surveillant, un enseignant ou un autre administrateur. Donnez à la personne son identifiant et son mot de passe initial.
users-role = Rôle
users-username = Identifiant
users-display-name = Nom affiché et imprimé
users-initial-password = Mot de passe initial
users-create = Créer le compte
users-created = { $username } créé ({ $role }).
users-list = Comptes de ce centre
users-loading = Chargement…
users-role-candidate = Candidat
users-role-invigilator = Surveillant
users-role-teacher = Enseignant
users-role-admin = Administrateur
users-candidate-number = Numéro de candidat
users-email = Courriel (facultatif)
users-state = État
users-actions = Actions
users-state-active = Actif
users-state-awaiting-approval = En attente d’approbation
users-approve = Approuver
users-approve-label = Approuver { $username }
users-approved = { $username } est approuvé et peut se connecter.
users-state-disabled = Désactivé
users-state-new-password = Doit choisir un mot de passe
users-search = Rechercher
users-filter-role = Rôle
users-all-roles = Tous les rôles
users-show-disabled = Afficher les comptes désactivés
users-edit = Modifier
users-edit-label = Modifier { $username }
users-reset = Réinitialiser le mot de passe
users-reset-label = Réinitialiser le mot de passe de { $username }
users-disable = Désactiver
users-disable-label = Désactiver { $username }
users-enable = Réactiver
users-enable-label = Réactiver { $username }
users-unblock = Lever le blocage de connexion
users-unblock-label = Lever le blocage de connexion de { $username }
users-confirm-reset = Réinitialiser le mot de passe de { $username } ? Ses sessions se terminent maintenant et un mot de passe à usage unique est créé.
users-confirm-disable = Désactiver { $username } ? La personne est déconnectée partout immédiatement et ne peut plus se connecter avant réactivation.
users-confirm = Confirmer
users-cancel = Annuler
users-reset-done = Le mot de passe de { $username } a été réinitialisé.
users-otp-for = Mot de passe à usage unique pour { $username } ({ $name }) :
users-otp-once = Il n'est affiché que maintenant. Donnez-le à la personne ; elle devra choisir son propre mot de passe à la connexion.
users-otp-close = Je l'ai noté
users-disabled = { $username } est désactivé.
users-enabled = { $username } est réactivé.
users-unblocked = { $count ->
    [0] { $username } n'était pas bloqué.
   *[other] Le blocage de connexion de { $username } a été levé.
  }
users-edit-title = Compte { $username }
users-save = Enregistrer les modifications
users-saved = Modifications de { $username } enregistrées.
users-history = Modifications de ce compte
users-history-self = la personne
roster-title = Importer des comptes depuis un fichier CSV
roster-intro = Une ligne d'en-tête nomme les colonnes : username et display_name (obligatoires), candidate_number, role (candidate, invigilator, teacher ou admin ; candidate par défaut), time_multiplier (de 1,0 à 4,0), display_preset (text125…text200, high-contrast, reading-guide, joints par +) et email. UTF-8, avec virgules ou points-virgules. Les comptes existants sont mis à jour ; les nouveaux reçoivent un mot de passe à usage unique.
roster-file = Fichier CSV
roster-valid-only = Importer les lignes valides même si certaines sont fautives
roster-check = Vérifier le fichier
roster-import = Importer
roster-no-file = Choisissez d'abord un fichier CSV.
roster-busy = En cours… le mot de passe à usage unique de chaque nouveau compte est haché, ce qui prend un instant par compte.
roster-checked = La vérification trouve : { $created } à créer, { $updated } à mettre à jour, { $unchanged } inchangés, { $bad } lignes fautives. Rien n'est encore importé.
roster-refused = Rien n'a été importé : { $bad } lignes fautives. Corrigez-les, ou n'importez que les lignes valides.
roster-done = Importé : { $created } créés, { $updated } mis à jour, { $unchanged } inchangés, { $bad } lignes fautives écartées.
roster-at-column = { $file } ligne { $line }, colonne { $column } :
roster-at-line = { $file } ligne { $line } :
roster-print-slips = Imprimer { $count } fiches de connexion
roster-slips-saved = Fiches de connexion enregistrées dans { $path }

## Banque de questions : import
bank-title = Banque de questions
import-title = Importer des questions
import-file = Fichier de questions
import-format = Format
import-format-gift = GIFT
import-format-aiken = Aiken
import-format-moodle = Moodle XML
import-format-qti = QTI 2.1 (item .xml ou paquet .zip)
import-format-csv = CSV
import-format-json = JSON (Examhall)
import-reading = Lecture du fichier…
import-checking = Vérification du fichier…
import-importing = Import en cours…
import-unreadable = Impossible de lire { $file } : { $reason }
import-summary = { $questions ->
    [one] { $questions } question lue
   *[other] { $questions } questions lues
  }, { $errors ->
    [one] { $errors } erreur
   *[other] { $errors } erreurs
  }
import-warning-line = Avertissement, { $location } : { $message }
import-error-line = { $location } : { $message }
import-items = Questions lues dans le fichier
import-all = Tout importer
import-valid = Importer les { $valid } questions valides ({ $skipped ->
    [one] { $skipped } ignorée
   *[other] { $skipped } ignorées
  })
import-done = { $imported ->
    [one] { $imported } question importée
   *[other] { $imported } questions importées
  } ({ $skipped ->
    [one] { $skipped } ignorée
   *[other] { $skipped } ignorées
  })

## Banque de questions : la liste
bank-list-title = Questions de la banque
bank-new = Nouvelle question
bank-search = Rechercher
bank-type = Type
bank-all-types = Tous les types
bank-tag = Étiquette
bank-all-tags = Toutes les étiquettes
bank-show-archived = Afficher les archivées
bank-categories = Catégories
bank-all-categories = Toutes les catégories
bank-no-category = (sans catégorie)
bank-empty = Aucune question ne correspond.
bank-col-question = Question
bank-col-type = Type
bank-col-category = Catégorie
bank-col-tags = Étiquettes
bank-col-marks = Points
bank-col-version = Version
bank-version = v{ $version }
bank-archived = archivée
bank-preview = Aperçu
bank-hide-preview = Masquer l'aperçu
bank-duplicate = Dupliquer
bank-archive = Archiver
bank-restore = Restaurer
bank-edit = Modifier
bank-duplicated = Copiée sous le nom { $label }.
bank-archived-done = { $label } est archivée : les nouveaux examens ne peuvent plus l'utiliser.
bank-restored-done = { $label } est de retour dans la banque.
bank-error-field = { $field } : { $message }

## Banque de questions : rédaction et modification
bank-new-title = Nouvelle question
bank-edit-title = Modifier la question { $id }
bank-field-id = Identifiant de la question
bank-field-title = Titre
bank-field-category = Catégorie (niveaux séparés par /)
bank-field-tags = Étiquettes (séparées par des virgules)
bank-field-marks = Points
bank-field-prompt = Énoncé
bank-save = Enregistrer la question
bank-cancel = Annuler
bank-saved = { $label } enregistrée.
bank-saved-new-version = { $label } enregistrée en version { $version } ; les examens déjà créés gardent la version précédente.
bank-bad-id = { $text } n'est pas un identifiant de question : utilisez 1 à 64 lettres, chiffres, - ou _.
bank-bad-marks = { $text } n'est pas un nombre de points.
bank-bad-kind = Le corrigé n'est pas un type de question en JSON : { $reason }

## Types de question
qtype-single-choice = Choix unique
qtype-multiple-response = Réponses multiples
qtype-true-false = Vrai/faux
qtype-numeric = Numérique
qtype-short-text = Réponse courte
qtype-essay = Rédaction
qtype-weighted-single = Choix unique (pondéré)
qtype-weighted-multiple = Réponses multiples (pondérées)
qtype-numeric-set = Numérique (plusieurs réponses)
qtype-text-set = Réponse courte (réponses pondérées)
qtype-matching = Association
qtype-ordering = Classement
qtype-cloze = Texte à trous
qtype-calculated = Calculée (valeurs propres à chaque tentative)

## Une question telle que le candidat la voit
preview-read-only = Aperçu (lecture seule)
preview-marks = { $n ->
    [one] { $marks } point
   *[other] { $marks } points
  }
preview-number = Question { $number } · { $n ->
    [one] { $marks } point
   *[other] { $marks } points
  }

## Création d'examen
builder-title = Création d'examen
builder-settings = Paramètres
builder-exam-title = Titre
builder-duration = Durée (minutes)
builder-pass = Seuil de réussite (%)
builder-release = Résultats
builder-release-immediately = Affichés dès la correction
builder-release-after-review = Publiés après relecture
builder-negative = Points négatifs
builder-shuffle-questions = Mélanger les questions
builder-shuffle-options = Mélanger les options
builder-allow-paste = Autoriser le collage
builder-warn-focus = Avertir les candidats qui quittent la fenêtre d'examen
builder-forward-only = Dans l'ordre uniquement (pas de retour en arrière)
builder-sections = Sections
builder-section = Section { $number }
builder-section-title = Titre de la section
builder-section-instructions = Consignes
builder-section-empty = Aucune question dans cette section pour l'instant.
builder-no-sections = Aucune section pour l'instant : ajoutez-en une, puis ses questions.
builder-bank-empty = La banque de questions est vide : importez ou rédigez d'abord des questions.
builder-add-section = Ajouter une section
builder-remove-section = Supprimer cette section
builder-add-fixed = Ajouter une question…
builder-add-draw = Ajouter un tirage aléatoire
builder-remove = Retirer
builder-fixed-label = Question :
builder-missing = question { $id } de la banque (absente ou archivée)
builder-draw-label = Tirage aléatoire :
builder-draw-count = Combien
builder-draw-category = parmi
builder-all-categories = Toutes les catégories
builder-draw-tag = étiquette
builder-any-tag = Toute étiquette
builder-pool = réserve : { $count }
builder-pool-short = moins de questions que le tirage n'en demande
builder-picker = Questions de la banque
builder-picker-search = Rechercher dans la banque
builder-picker-none = Aucune question ne correspond.
builder-picker-more = { $count } de plus : affinez la recherche.
builder-picker-done = Terminé
builder-pick = Ajouter
builder-in-section = dans cette section
builder-candidates = Candidats
builder-no-candidates = Aucun compte candidat pour l'instant.
builder-choose-all = Tout sélectionner
builder-choose-none = Tout désélectionner
builder-chosen = { $count ->
    [one] { $count } candidat sélectionné
   *[other] { $count } candidats sélectionnés
  }
builder-extra-time = Temps supplémentaire ×
builder-preview-title = Aperçu côté candidat
builder-preview = Aperçu côté candidat
builder-redraw = Autre tirage
builder-preview-summary = { $questions } questions · { $minutes } minutes · { $n ->
    [one] { $marks } point
   *[other] { $marks } points
  }
builder-publish = Publier
builder-published = Publié comme examen { $id } ; { $count ->
    [one] { $count } candidat inscrit
   *[other] { $count } candidats inscrits
  }.
builder-save-draft = Enregistrer le brouillon
builder-draft-saved = Brouillon enregistré ({ $title }).
builder-drafts = Vos brouillons
builder-no-drafts = Aucun brouillon enregistré.
builder-draft-current = ouvert ici
builder-draft-open = Ouvrir
builder-draft-delete = Supprimer
builder-draft-deleted = Brouillon supprimé.
builder-draft-edits = modifie l'examen { $id }
builder-draft-updated = enregistré { $time }
builder-editing = Vous modifiez l'examen publié { $id }. Enregistrer les modifications le change pour tous les candidats inscrits, tant qu'aucun d'eux ne l'a commencé.
builder-editing-draft = Vous travaillez sur un brouillon enregistré.
builder-save-changes = Enregistrer les modifications de l'examen
builder-changed = Examen { $id } modifié ; { $count ->
    [one] 1 candidat inscrit
   *[other] { $count } candidats inscrits
  }.
verify-title = Vérifier un récépissé
verify-help = Le code du récépissé d'un candidat, ou l'empreinte imprimée au pied d'un relevé de notes, vérifié dans le registre infalsifiable de la copie.
verify-attempt = Copie
verify-code = Code du récépissé ou empreinte
verify-check = Vérifier
staff-edit = Modifier
staff-clone = Dupliquer
builder-bad-duration = { $text } n'est pas un nombre entier de minutes.
builder-bad-pass = { $text } n'est pas un seuil de réussite : saisissez un pourcentage.
builder-bad-count = Section { $section }, élément { $item } : { $text } n'est pas un nombre entier de questions à tirer.
builder-bad-multiplier = { $name } : { $text } n'est pas un coefficient de temps : tapez un nombre de 1 à 4 (1,25 donne 25 % de temps en plus).
staffnav-home = Aujourd'hui
staffnav-rooms = Salles et sessions
home-title = Aujourd'hui
home-loading = Lecture de la journée du centre…
home-today = Aujourd'hui au centre · { $date }
home-in-progress = épreuves en cours
home-awaiting-marking = épreuves à corriger
home-seats-online = postes en ligne / inscrits
home-backlog = résultats pas encore au siège
home-sync-not-enrolled = Cette machine n'est pas inscrite auprès du siège : les résultats restent ici (ou voyagent par clé USB).
home-sync-never = Inscrite auprès du siège, mais aucune synchronisation n'a encore réussi.
home-sync-ok = Dernière synchronisation avec le siège : { $time }
home-sync-error = La synchronisation avec le siège échoue : { $error }
home-sittings = Sessions du jour
home-no-sittings = Aucune session n'est ouverte ou prévue aujourd'hui.
home-sitting-open = ouverte, sans heure de fermeture
home-sitting-open-until = ouverte jusqu'à { $time }
home-sitting-opens = ouvre à { $time }
home-sitting-no-more-starts = ouverte, mais les départs tardifs sont finis
home-rooms = Salles
home-no-rooms = Aucune session de salle n'est prévue ou ouverte.
home-col-room = Salle
home-col-exam = Épreuve
home-col-state = État
home-col-counts = Candidats
home-room-counts = { $expected } attendus · { $running } en cours · { $submitted } remis
home-go-rooms = Aller aux salles et sessions

## Les candidats d'une épreuve
staff-candidates = Candidats
cands-title = Candidats : { $title }
cands-count = { $count ->
    [one] Un candidat inscrit.
   *[other] { $count } candidats inscrits.
}
cands-number = Numéro de candidat
cands-extra-time = Coefficient de temps
cands-text-size = Taille du texte
cands-display = Affichage
cands-display-standard = standard
cands-display-text = texte { $percent } %
cands-display-contrast = contraste élevé
cands-display-guide = guide de lecture
cands-not-started = pas commencé
cands-result-visible = visible par le candidat
cands-result-held = retenu pour relecture
cands-edit = Modifier les aménagements
cands-unassign = Désinscrire
cands-release = Publier le résultat
cands-save = Enregistrer
cands-cancel = Annuler
cands-multiplier-invalid = Le coefficient de temps est un nombre de 1 à 4, par exemple 1,25.
cands-saved = Aménagements de { $name } enregistrés.
cands-unassigned = { $name } ne passe plus cette épreuve.
cands-released-one = Le résultat de { $name } est publié : il peut le consulter dès maintenant.
cands-released-all = { $count ->
    [one] Résultats publiés pour toute l'épreuve : un candidat de plus peut consulter le sien, et les résultats corrigés plus tard s'afficheront aussitôt.
   *[other] Résultats publiés pour toute l'épreuve : { $count } candidats de plus peuvent consulter le leur, et les résultats corrigés plus tard s'afficheront aussitôt.
}
cands-held-info = Cette épreuve retient les résultats jusqu'à leur relecture : les candidats les voient quand vous les publiez, un par un ou pour tous.
cands-release-all = Publier les résultats pour tous
cands-released-for-exam = Les résultats sont publiés pour toute l'épreuve : chaque candidat voit le sien dès qu'il est corrigé.
cands-none = Personne n'est encore inscrit à cette épreuve.
cands-add = Inscrire des candidats
cands-add-info = Chaque candidat reçoit le coefficient de temps et l'affichage de son compte ; modifiez-les ci-dessus tant qu'il n'a pas commencé.
cands-search = Chercher par nom, identifiant ou numéro
cands-more = { $count } de plus : affinez la recherche.
cands-assign = { $count ->
    [one] Inscrire un candidat
   *[other] Inscrire { $count } candidats
}
cands-assigned = { $count ->
    [one] Un candidat inscrit.
   *[other] { $count } candidats inscrits.
}
cands-history = Modifications des inscriptions
cands-history-when = Quand
cands-history-by = Par
cands-history-what = Modification
cands-history-values = Coefficient · affichage
cands-history-assigned = inscrit
cands-history-changed = aménagements modifiés
cands-history-unassigned = désinscrit
cands-history-system = (automatique : une liste, la ligne de commande ou une épreuve ouverte)

users-accommodations = Aménagements
users-accommodations-info = Appliqués à chaque épreuve à laquelle ce candidat sera inscrit désormais ; une inscription peut encore être modifiée dans les candidats de l'épreuve tant qu'il n'a pas commencé.
roster-progress = Création des mots de passe à usage unique : { $done } sur { $total }

## L’écran du siège
staffnav-hq = Siège
hq-title = Siège : centres, paquets et machines
hq-loading = Chargement des centres du siège…
hq-not-hq = Cette machine n’est pas le siège : elle ne signe aucun paquet et n’inscrit aucun centre.
hq-enrol-title = Inscrire le serveur relais ou un poste d’un centre
hq-enrol-help = Un jeton à usage unique pour une machine d’un centre, valable sept jours. Remettez-le à qui installe la machine : un serveur relais démarre avec (examhall serve --upstream … --enrolment-token …), un poste le saisit dans son panneau de synchronisation. Par le relais : pour un poste qui joindra le siège par le serveur relais du centre.
hq-centre = Centre
hq-via-hub = Par le serveur relais
hq-via-hub-none = Directement au siège
hq-enrol-submit = Émettre un jeton
hq-token-issued = Un jeton pour le centre { $centre }, valable jusqu’au { $expires }. Il n’est montré qu’une fois :
hq-publish-title = Publier un examen vers un centre
hq-publish-help = L’examen part vers les machines du centre en paquet scellé ; ses questions ne s’ouvrent qu’avec le code de départ, que vous remettez au surveillant le jour venu.
hq-exam = Examen
hq-publish-choose-exam = Choisir un examen
hq-candidates = Candidats (identifiants)
hq-publish-submit = Publier le paquet
hq-published = Le paquet { $package } est publié vers { $centre }.
hq-start-code = Code de départ (montré une fois) :
hq-packages-title = Paquets publiés
hq-no-packages = Aucun paquet n’a encore été publié.
hq-col-candidates = Candidats
hq-col-held = Copies au siège
hq-col-published = Publié
hq-col-check = Contrôle
hq-reconcile = Rapprocher
hq-reconcile-label = Rapprocher { $title } à { $centre }
hq-recon-title = Rapprochement : { $title } à { $centre }
hq-recon-complete = Complet : chaque candidat est justifié
hq-recon-incomplete = Incomplet : des candidats ne sont pas justifiés
hq-recon-lines = Chaque candidat du paquet
hq-col-candidate = Candidat
hq-col-status = État
hq-col-room = Salle
hq-col-evidence = Preuve
hq-recon-absent = Absent
hq-recon-never-started = Jamais commencé
hq-recon-in-progress = En cours
hq-recon-moved = Déplacé
hq-recon-submitted = Rendu
hq-recon-graded = Corrigé
hq-recon-missing = Manquant
hq-devices-title = Serveurs relais et postes inscrits
hq-no-devices = Aucune machine ne s’est encore inscrite.
hq-col-device = Machine
hq-col-kind = Type
hq-col-enrolled = Inscrite
hq-col-seen = Dernier appel
hq-col-action = Action
hq-kind-hub = Relais
hq-kind-desktop = Poste
hq-seen-ago = il y a { $minutes } min
hq-never-seen = Jamais
hq-revoke = Révoquer
hq-revoke-confirm = Confirmer la révocation
hq-revoke-label = Révoquer { $name }
hq-revoked-at = Révoquée le { $time }
hq-incidents-title = Incidents de synchronisation
hq-no-incidents = Rien n’a été refusé.
hq-col-when = Quand
hq-col-attempt = Copie
hq-col-detail = Détail
hq-col-received = Copies reçues
hq-tokens-title = Jetons d’inscription
hq-col-token = Jeton
hq-col-issued = Émis
hq-token-used = Utilisé par { $device }
hq-token-open = Inutilisé, valable jusqu’au { $expires }
hq-token-expired = Expiré ou retiré
hq-withdraw = Retirer
hq-withdraw-label = Retirer le jeton { $token }

staff-review = Examiner
review-title = { $candidate } : { $exam }
review-started = Commencée { $at }
review-total = { $total } / { $max } points
review-not-graded = pas encore corrigée
review-chain-ok = Les { $count } événements du journal sont vérifiés (tête de chaîne { $head }).
review-chain-bad = Le journal ne se vérifie pas : { $problem }
review-questions = Questions et réponses
review-question = Question
review-answer = Réponse
review-key = Clé
review-marks = Points
review-outcome = Résultat
review-mark = Noter
review-remark = Modifier la note
review-remark-reason = Motif du changement de note
review-mark-saved = Note enregistrée ; le résultat et le journal sont à jour.
review-events = Ce qui s'est passé, dans l'ordre
review-at = Heure
review-event = Événement
review-detail = Détail
review-back = Retour aux résultats
event-started = commencée
event-answer-set = réponse enregistrée
event-flagged = marque
event-navigated = passage à la question
event-resumed = reprise après un arrêt
event-clock-went-backwards = horloge revenue en arrière
event-moved = déplacé sur un poste de secours
event-paused = en pause
event-unpaused = fin de pause
event-extended = temps ajouté
event-locked = verrouillée
event-unlocked = déverrouillée
event-unlock-refused = code de déverrouillage erroné
event-focus-lost = sortie de la fenêtre d’examen
event-close-asked = demande de fermeture de la fenêtre
event-submitted = remise
event-graded = corrigée
event-essay-marked = rédaction notée
event-voided = annulée
event-superseded = réinitialisée pour un repassage
event-regraded = recorrigée après une correction
event-unreadable = événement illisible

qform-type = Type de question
qform-type-json = (sa clé en JSON)
qform-type-single-choice = Choix unique
qform-type-multiple-response = Choix multiple
qform-type-true-false = Vrai ou faux
qform-type-numeric = Nombre
qform-type-short-text = Réponse courte
qform-type-essay = Rédaction
qform-type-matching = Appariement
qform-type-ordering = Classement
qform-type-cloze = Texte à trous
qform-json-only = La clé de cette question n'est pas de celles que les formulaires montrent ; modifiez-la en JSON ci-dessous.
qform-options-single = Réponses (cochez la bonne)
qform-options-multiple = Réponses (cochez les bonnes)
qform-option = Réponse { $n }
qform-right = La réponse { $n } est juste
qform-remove = Retirer
qform-add-option = Ajouter une réponse
qform-partial = Crédit partiel (les mauvaises cases retirent des points) plutôt que tout ou rien
qform-right-answer = Bonne réponse
qform-value = Valeur juste
qform-tolerance = Tolérance (±, vide pour exacte)
qform-range = Accepter plutôt tout nombre d'un intervalle
qform-from = De
qform-to = À (bornes incluses)
qform-accepts = Accepte tout nombre de { $from } à { $to }.
qform-accepts-exact = Accepte exactement { $value }.
qform-guidance = Consignes de correction : ce que les correcteurs attendent (les correcteurs les voient, les candidats jamais)
qform-accepted = Réponses acceptées, une par ligne (* remplace n'importe quoi)
qform-case-sensitive = Respecter la casse
qform-essay-note = Un enseignant note les rédactions ; il n'y a pas de clé à fixer.
qform-pairs = Paires : chaque élément et sa réponse
qform-pair-item = Élément { $n }
qform-pair-answer = Réponse { $n }
qform-add-pair = Ajouter une paire
qform-distractors = Réponses en trop qui ne vont avec rien, une par ligne
qform-items = Les éléments dans le bon ordre, un par ligne
qform-by-position = Une part des points pour chaque élément à sa place (plutôt que tout ou rien)
qform-cloze = Le texte, chaque trou entre doubles crochets
qform-cloze-hint = [[Paris|paris]] un mot (variantes séparées par |, * remplace n'importe quoi) ; [[# 9,81 ± 0,1]] un nombre ; [[# 9,7 .. 9,9]] tout nombre d'un intervalle ; [[? *Paris | Rome]] un choix, la bonne réponse marquée *.
qform-gap-add = Ajouter un trou
qform-gap-type = Type de trou
qform-gap-word = Un mot ou une expression
qform-gap-number = Un nombre
qform-gap-choice = Un choix dans une liste
qform-gap-accepted = Réponses acceptées, une par ligne (* remplace n'importe quoi)
qform-gap-right = La bonne réponse
qform-gap-wrong = Les mauvaises réponses, une par ligne
qform-gap-insert = Insérer le trou au curseur
qform-penalty = Points retirés pour une mauvaise réponse (avec la notation négative)
qform-image = Ajouter une image au texte (300 Ko au plus)
qform-image-not-image = { $file } n'est pas une image.
qform-image-too-big = { $file } fait { $kb } Ko ; une image fait au plus { $max } Ko.
qform-json = La clé en JSON (avancé)
qform-preview = Telle que le candidat la verra
qform-preview-waiting = L'aperçu s'affiche dès que la question se lit.
bank-bad-field = { $message }
bank-bad-penalty = { $text } n'est pas une pénalité : un nombre supérieur ou égal à 0.
marking-blind = Correction anonyme : un code au lieu du nom du candidat jusqu'à l'enregistrement de la note
marking-blind-code = copie { $code }
marking-marked-now = Notées à l'instant
marking-marked-line = { $code } : { $candidate }, { $mark }
bank-export = Exporter
bank-export-moodle = Moodle XML
bank-export-gift = GIFT
bank-export-qti = Paquet QTI 2.1 (.zip)
bank-export-json = JSON Examhall (garde tout)
bank-export-all = Exporter toute la banque
bank-export-category = Exporter { $category }
bank-exported = Enregistré : { $path }
builder-feedback = Commentaires aux candidats
builder-feedback-never = Jamais
builder-feedback-with-results = Avec leurs résultats (ceux de chaque réponse et de la question)
qform-option-feedback = Commentaire pour la réponse { $n } (facultatif)
qform-general-feedback = Commentaire général, montré avec le résultat si l'examen donne des commentaires (facultatif)
save-copy = Enregistrer une copie sous…
save-copy-title = Enregistrer une copie du rapport
save-copy-done = Copie enregistrée dans { $path }
