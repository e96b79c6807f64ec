# Examhall (fr): console.

## La console de salle
room-title = Session de salle
room-default-name = Salle 1
room-created = Session de « { $exam } » créée (salle : { $room }). Procédez à l'émargement des candidats, puis ouvrez-la.
room-reason-pause = mis en pause par le surveillant
room-reason-resume = repris
room-reason-extend = temps supplémentaire
room-reason-unlock = déverrouillé depuis la console
room-target-whole-room = toute la salle
room-action-sent = Commande « { $kind } » envoyée à { $target }.
room-closed-notice = Session fermée. Ses résultats sont en attente de synchronisation.
room-report-saved = Rapport de salle (présences, horaires, journal de la salle) enregistré : { $path }
room-state-planned = Prévue : les candidats ne peuvent pas encore commencer
room-state-open = Ouverte
room-state-closed = Fermée
room-counts = { " · " }{ $expected } { $expected ->
    [one] attendu
   *[other] attendus
  } · { $running } en cours · { $submitted } { $submitted ->
    [one] rendu
   *[other] rendus
  }
room-planned-help = Procédez à l'émargement des candidats ci-dessous, puis ouvrez la session : le code de départ s'affiche pour que vous le lisiez à voix haute.
room-open = Ouvrir la session
room-start-code = Code de départ (à lire à voix haute) :{ " " }
room-pin-label = Code du surveillant pour les postes verrouillés :{ " " }
room-pin-hide = masquer
room-pin-show = afficher
room-reason = Motif{ " " }
room-reason-example = alarme incendie, coupure de courant, …
room-minutes = Minutes{ " " }
room-pause-all = Mettre la salle en pause
room-resume-all = Reprendre toute la salle
room-close = Fermer la session
room-print = Imprimer le rapport de salle (liste de présence et journal)
room-col-candidate = Candidat
room-col-seat = Place
room-col-check-in = Émargement
room-col-status = État
room-col-progress = Avancement
room-col-time-left = Temps restant
room-col-alerts = Alertes
room-col-actions = Actions
room-log = Journal de la salle
room-log-line = { $time } · { $kind }{ $category }{ $who } : { $detail }

## La ligne d'un poste
room-status-absent = Absent
room-status-not-started = Pas commencé
room-status-time-up = Rendu (temps écoulé)
room-time-up-count = { $count ->
    [one] Une copie a été remise automatiquement à la fin du temps.
   *[other] { $count } copies ont été remises automatiquement à la fin du temps.
  }
room-time-over-count = { $count ->
    [one] Le temps d'un candidat est écoulé sur une place muette et rien n'a été remis : déplacez-le vers une place de secours, qui remet aussitôt la copie à partir de la copie de la salle.
   *[other] Le temps de { $count } candidats est écoulé sur des places muettes et rien n'a été remis : déplacez-les vers des places de secours, qui remettent aussitôt les copies à partir de la copie de la salle.
  }
room-status-submitted = Rendu
room-status-locked = Verrouillé
room-status-paused = En pause
room-status-in-progress = En cours
room-alert-silent = silencieux depuis { $secs } s
room-alert-focus-lost = a quitté la fenêtre d'examen ×{ $count }
room-alert-close-asked = a demandé à fermer l'examen ×{ $count }
room-alert-time-nearly-up = { $minutes ->
    [one] { $minutes } min restante
   *[other] { $minutes } min restantes
  }
room-alert-time-over = temps écoulé depuis { $minutes } min, rien de remis
room-alert-locked = verrouillé : déverrouillage nécessaire
room-alert-paused = en pause
room-seat-of = Place de { $username }
room-attendance-of = Présence de { $username }
room-attendance-expected = Attendu
room-attendance-present = Présent
room-attendance-late = En retard
room-attendance-absent = Absent
room-id-checked-of = Pièce d'identité de { $username } vérifiée
room-id-checked = { " " }Pièce d'identité
room-progress = { $answered } sur { $total } { $answered ->
    [one] répondue
   *[other] répondues
  }
room-progress-flagged = , { $flagged } { $flagged ->
    [one] marquée
   *[other] marquées
  }
room-saved-at = enregistré à { $time }
room-heard-at = dernier contact à { $time }
room-copy-whole = copié à { $time }
room-copy-behind = copie en retard de { $events }
room-seat-pause = Pause
room-seat-resume = Reprendre
room-seat-extend = Prolonger
room-seat-submit = Remettre maintenant…
room-seat-submit-confirm = Confirmer : remettre
room-seat-void = Annuler pour fraude…
room-seat-void-confirm = Confirmer : annuler
room-void-needs-reason = Saisissez d'abord ce qui a été constaté, et par qui, dans la case Motif : la copie est remise et annulée avec ce motif.
room-submit-needs-reason = Saisissez d'abord le motif dans la case Motif : la remise d'une copie est enregistrée avec lui.
room-seat-move = Déplacer vers un poste libre…
room-seat-move-confirm = Confirmer : déplacer
room-move-needs-reason = Saisissez d'abord le motif dans la case Motif : un déplacement est enregistré avec lui.
room-move-sent = { $username } est en cours de déplacement : connectez-le sur un poste libre avec le code de départ ; ses réponses suivent.
room-seat-moving = Déplacement : connexion sur un poste libre
room-seat-moved-from = déplacé depuis { $seat }
room-seat-unlock = Déverrouiller

## Le registre des interruptions
room-ledger = Registre des interruptions
room-ledger-item = { $username } : le poste a été hors service pendant { $secs } s. Créditer { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
  } ?
room-ledger-credit = Créditer
room-ledger-dismiss = Refuser

## Déverrouillage hors ligne et incidents
room-offline-unlock-label = Déverrouiller un poste qui ne joint pas la console
room-offline-unlock = Déverrouiller un poste hors ligne
room-challenge = Défi affiché sur le poste
room-get-unlock-code = Obtenir le code de déverrouillage
room-type-at-seat = À saisir sur le poste :{ " " }
room-incident = Consigner un incident
room-incident-who = Qui
room-incident-whole-room = Toute la salle
room-incident-category = Catégorie
room-category-environment = Environnement
room-category-candidate = Candidat
room-category-staff = Personnel
room-category-technical = Technique
room-incident-text = Ce qui s'est passé
room-incident-record = Consigner

## Choisir et créer une session
room-session-picker = Session{ " " }
room-session-new = — nouvelle session —
room-new-title = Nouvelle session de salle
room-new-exam = Examen
room-new-room = Salle
room-new-seats = Places
room-new-late = Départ tardif autorisé pendant (minutes ; vide : toujours)
room-create = Créer la session

## Les sessions d'examen (la page du surveillant)
inv-title = Séances d'examen
inv-help = Lisez le code de départ à voix haute dans la salle. Après l'émission d'un nouveau code, l'ancien ne permet plus de commencer l'examen ; les candidats déjà en cours continuent.
inv-loading = Chargement…
inv-summary = { $questions ->
    [one] { $questions } question
   *[other] { $questions } questions
  } · { $minutes } minutes
inv-start-code = Code de départ :{ " " }
inv-no-sitting = Aucune séance n'est ouverte.
inv-new-code = Émettre un nouveau code de départ
inv-open-sitting = Ouvrir une séance

## Synchronisation avec le siège
sync-title = Synchronisation avec le siège
sync-loading = Chargement…
sync-enrolled = Inscrit. Les paquets d'examen arriveront à la prochaine synchronisation.
sync-exported = { $attempts ->
    [one] { $attempts } copie écrite
   *[other] { $attempts } copies écrites
  } dans { $file } (avec le manifeste { $manifest }).
sync-package-opened = « { $exam } » est ouvert : les candidats commencent avec le code { $code }.
sync-not-enrolled = Non inscrit auprès du siège : cet ordinateur fonctionne de manière autonome. Un administrateur peut l'inscrire avec un jeton fourni par le siège.
sync-server = Adresse du siège ou du serveur du centre
sync-server-example = https://siege.exemple:8000
sync-token = Jeton d'inscription
sync-device-name = Nom de cet ordinateur
sync-device-name-example = Salle 1, poste 12
sync-enrol = Inscrire
sync-online = en ligne
sync-offline = hors ligne
sync-details = { " · " }centre { $centre } · { $server } · poste { $device }
sync-transport-pinned = HTTPS, en ne faisant confiance qu'au certificat d'empreinte SHA-256 { $fingerprint } (reçue avec le jeton d'inscription).
sync-transport-plain = HTTP simple, autorisé sur ce poste : uniquement sur un réseau de salle fermé.
sync-results-label = Résultats en attente d'envoi au siège
sync-col-pending = En attente d'envoi
sync-col-synced = Confirmés par le siège
sync-col-conflicts = Refusés par le siège
sync-col-last-success = Dernier succès
sync-never = jamais
sync-last-error = Dernière erreur ({ $time }) : { $error }
sync-relay = Relais : { $pending ->
    [one] { $pending } lot de résultats en attente
   *[other] { $pending } lots de résultats en attente
  } pour le siège, { $forwarded } transmis, { $refused } contenant des copies refusées par le siège.
sync-packages = Paquets d'examen
sync-packages-none = Aucun reçu pour l'instant.
sync-col-exam = Examen
sync-col-candidates = Candidats
sync-col-received = Réception
sync-package-open = ouvert
sync-start-code = Code de départ{ " " }
sync-open = Ouvrir
sync-folder = Exporter les résultats dans un dossier (une clé USB)
sync-folder-example = /media/usb
sync-export = Exporter les résultats et le manifeste

## Premier démarrage : installer le centre
setup-title = Installer ce centre
setup-intro = Cet ordinateur n'a encore aucun compte. Créez le premier administrateur ; il pourra ensuite ajouter tous les autres.
setup-username = Identifiant
setup-display-name = Nom complet
setup-password = Mot de passe (au moins 8 caractères)
setup-password-again = Confirmer le mot de passe
setup-passwords-differ = Les deux mots de passe ne correspondent pas.
setup-create = Créer l'administrateur
room-alert-start-refused = a tenté de commencer { $count } × ({ $reason })
room-new-check-in = Les candidats doivent être émargés avant de pouvoir commencer
room-new-check-in-help = Recommandé. Un candidat qui n'est pas marqué présent ou en retard est refusé au poste et invité à s'adresser à vous ; cette console indique qui a essayé.
room-check-in-on = L'émargement conditionne le départ : seuls les candidats marqués présents ou en retard peuvent commencer.
room-check-in-off = L'émargement ne conditionne pas le départ dans cette session.
room-refused = Départs refusés
room-refused-line = { $time } · { $username } { $device } — { $reason }
inv-schedule = Horaire (facultatif)
inv-schedule-help = Laissez vide pour ouvrir la séance maintenant, sans heure de fermeture. Heures de cette machine.
inv-opens-at = Ouvre à
inv-closes-at = Ferme à
inv-late-limit = Départs tardifs autorisés pendant (minutes après l'ouverture)
inv-window-opens = Ouvre { $when }
inv-window-open-since = Ouverte depuis { $when }
inv-window-closes = ferme { $when }
inv-window-no-close = pas d'heure de fermeture
inv-window-late = départs tardifs jusqu'à { $minutes } min après l'ouverture
inv-window-no-late = départs tardifs à tout moment
inv-upcoming = À venir
inv-close-sitting = Fermer la séance
inv-closed = La séance est fermée : son code ne permet plus de commencer. Les épreuves en cours continuent.
inv-opened = Séance ouverte. Code de départ : { $code }
inv-bad-time = { $field } : saisissez une date et une heure.
inv-bad-minutes = Départs tardifs : saisissez un nombre entier de minutes, ou laissez vide.
room-package = Les postes passent le paquet { $package }.
room-package-none = Rien n'est encore publié sur les postes pour cette session.
room-publish = Publier l'examen sur les postes
room-published = Paquet { $package } publié pour le centre { $centre } : les postes le prennent à leur prochain appel (dans la minute), avec le code de départ de cette session.
seats-title = Postes de cette salle
seats-help = Chaque poste de la salle s'inscrit une fois avec un jeton d'ici : sur le poste, lancez examhall --hub https://CE-SERVEUR:PORT --enrolment-token JETON --seat-name "Salle 1, poste 7". Un jeton sert une fois, pendant 24 heures.
seats-count = Postes à inscrire
seats-count-invalid = Postes à inscrire : un nombre entier de 1 à 100.
seats-issue = Émettre les jetons
seats-issued = { $count } jetons émis, valables jusqu'au { $expires }.
seats-tokens-once = Copiez-les ou imprimez-les maintenant : ils ne sont montrés qu'une fois et gardés seulement sous forme d'empreintes.
seats-print = Imprimer les jetons (bandes à découper)
seats-printed = Feuille de jetons enregistrée dans { $path }
seats-enrolled = Postes inscrits ({ $count })
seats-none = Aucun poste ne s'est encore inscrit auprès de cette machine.
seats-col-name = Poste
seats-col-enrolled = Inscrit
seats-col-seen = Vu pour la dernière fois
seats-col-version = Version
seats-kind-hub = serveur de salle
seats-kind-seat = poste
seats-seen-now = { $time } (en ligne)
seats-seen-ago = { $time } (il y a { $minutes } min)
seats-never-seen = pas encore
seats-revoke = Révoquer
seats-revoke-confirm = Révoquer : cliquez encore pour confirmer
seats-revoked = { $name } est révoqué : ses appels sont refusés désormais. Les résultats qu'il a déjà signés comptent toujours.
seats-revoked-at = révoqué { $time }
