# Examhall : ce que voit le candidat (connexion, Mes examens, la fenêtre d'examen, le résultat).

## Le cadre
app-starting = Démarrage…
app-sign-out = Se déconnecter
language-label = Langue

## Connexion
login-title = Connexion
login-username = Identifiant
login-password = Mot de passe
login-submit = Se connecter
login-busy = Connexion…

## Mes examens
exams-title = Mes examens
exams-loading = Chargement de vos examens…
exams-desktop-only = Les examens se passent sur l’application de bureau Examhall, dans la salle d’examen. Cette console dans le navigateur est réservée au personnel.
exams-none = Aucun examen n'est encore ouvert pour vous sur cet ordinateur. Il apparaîtra ici quand le surveillant ouvrira la session.
exams-start-code = Code de départ donné par le surveillant
exams-start-code-example = p. ex. K7M2PQ
exams-start = Commencer l'examen
exams-not-opened = Pas encore ouvert par un surveillant.
exams-resume = Reprendre l'examen
exams-view-result = Voir le résultat
exams-summary = { $questions ->
    [one] 1 question
   *[other] { $questions } questions
  } · { $minutes } minutes

## La fenêtre d'examen
exam-opening = Ouverture de votre examen…
exam-time-left = Temps restant
exam-saved-all = Toutes les réponses sont enregistrées
exam-saved = Enregistré ✓
exam-copied = Copié dans la salle ✓
exam-copying = Copie vers la salle…
exam-copy-refused = Non copié dans la salle : { $why }
exam-saving = Enregistrement…
exam-not-saved = Pas encore enregistré : { $reason } Nouvel essai…
exam-question-of = Question { $number } sur { $count } · { $n ->
    [one] { $marks } point
   *[other] { $marks } points
  }
exam-previous = ← Précédente
exam-next = Suivante →
exam-flag = ⚐ Marquer pour relecture
exam-flagged = ⚑ Marquée pour relecture
exam-submit-open = Rendre l'examen…
exam-display = Affichage
exam-text-smaller = A− Texte plus petit
exam-text-larger = A+ Texte plus grand
exam-text-size = Texte { $percent } %
exam-high-contrast = Contraste élevé
exam-reading-guide = Règle de lecture
exam-shortcuts = Touches : Alt+N suivante · Alt+P précédente · Alt+F marquer · Alt+S rendre · Tab pour se déplacer
exam-shortcuts-forward = Touches : Alt+N suivante · Alt+F marquer · Alt+S rendre · Tab pour se déplacer
exam-forward-only = Cet examen se fait dans l'ordre : vous ne pouvez pas revenir à une question une fois que vous l'avez quittée.
exam-left-window = Vous avez quitté la fenêtre d'examen. C'est enregistré et signalé au surveillant.
exam-section = Section { $number } sur { $count } : { $title }
exam-back-to-exam = Retour à l'examen
exam-warning-10 = 10 minutes ou moins restantes.
exam-warning-5 = 5 minutes ou moins restantes : vérifiez que vos réponses sont saisies.
exam-announce-minutes = { $minutes ->
    [one] Plus qu'une minute.
   *[other] Plus que { $minutes } minutes.
  }
exam-paused-title = Le surveillant a mis l'examen en pause
exam-paused-text = Le temps est arrêté et vos réponses sont enregistrées. Patientez en silence ; l'examen reprend quand le surveillant le relance.
exam-paused-left = Temps restant : { $time }
exam-close-title = Fermer la fenêtre d'examen ?
exam-close-text = Vos réponses sont enregistrées. Si un surveillant gère cette salle, fermer la fenêtre demande son code, et le poste reste verrouillé jusqu'à ce qu'il le déverrouille.
exam-code = Code du surveillant
exam-keep-working = Continuer l'examen
exam-close-confirm = Fermer la fenêtre
exam-confirm-title = Rendre votre examen ?
exam-confirm-unanswered = Questions sans réponse : { $list }
exam-confirm-flagged = Marquées pour relecture : { $list }
exam-confirm-none = aucune
exam-confirm-final = Une fois l'examen rendu, vous ne pourrez plus modifier vos réponses.
exam-confirm-submit = Rendre maintenant
exam-questions-nav = Questions
exam-nav-question = Question { $number }
exam-nav-answered = , répondue
exam-nav-not-answered = , sans réponse
exam-nav-flagged = , marquée
exam-nav-current = , en cours
exam-nav-behind = , déjà passée

## Réponses
answer-choose-one = Choisissez une réponse
answer-choose-all = Choisissez toutes les bonnes réponses
answer-true-false = Vrai ou faux
answer-true = Vrai
answer-false = Faux
answer-number = Votre réponse (un nombre)
answer-text = Votre réponse
answer-essay = Votre rédaction
answer-match = Associez chaque élément à une réponse
answer-match-choose = — Choisir —
answer-order = Mettez les éléments dans l'ordre
answer-order-hint = Utilisez Monter et Descendre pour mettre les éléments dans l'ordre, le premier en haut. Votre ordre compte comme réponse dès que vous avez déplacé un élément.
answer-order-up = Monter
answer-order-down = Descendre
answer-order-up-label = Monter : { $item } (position { $position } sur { $count })
answer-order-down-label = Descendre : { $item } (position { $position } sur { $count })
answer-order-moved = « { $item } » est maintenant en position { $position } sur { $count }.
answer-cloze = Complétez le texte
answer-gap = Trou { $number }
answer-gap-number = Trou { $number } (un nombre)
answer-gap-choose = — choisir —

## Le poste verrouillé
lock-title = Ce poste est verrouillé
lock-text = L'application d'examen s'est arrêtée pendant « { $exam } ». Vos réponses enregistrées sont en sécurité. Levez la main : le surveillant va déverrouiller ce poste.
lock-challenge = Défi pour le surveillant :
lock-unlock = Déverrouiller

## Le résultat
result-title = Résultat
result-loading = Chargement…
result-grading = Rendu. Vos réponses sont en cours de correction…
result-withheld = Rendu. Vos résultats seront publiés après vérification.
result-score = { $total } / { $max } points ({ $percent } %)
result-void = Cette copie a été annulée pour fraude : { $reason }. Elle ne compte pas ; le score ci-dessous est conservé pour mémoire.
result-pass = Réussi
result-fail = Non réussi
result-pass-mark = { " · " }seuil de réussite { $percent } %
result-provisional = { " · " }provisoire : les réponses rédigées attendent leur correction
result-question = Question
result-marks = Points
result-outcome = Résultat
result-marker = Correcteur : { $comment }
result-back = Retour à mes examens
outcome-correct = juste
outcome-partial = en partie juste
outcome-incorrect = faux
outcome-unanswered = sans réponse
outcome-voided = annulée : points accordés à tous
outcome-awaiting = en attente de correction

## Choisir un nouveau mot de passe
app-change-password = Changer de mot de passe
password-title = Choisir un nouveau mot de passe
password-forced = Vous vous êtes connecté avec un mot de passe à usage unique. Choisissez maintenant votre propre mot de passe ; rien d'autre n'est possible avant.
password-one-time = Mot de passe à usage unique
password-current = Mot de passe actuel
password-new = Nouveau mot de passe
password-rule = De 8 à 128 caractères.
password-again = Nouveau mot de passe, à nouveau
password-mismatch = Les deux nouveaux mots de passe ne sont pas identiques.
password-save = Enregistrer le nouveau mot de passe
password-back = Retour
receipt-title = Récépissé
receipt-handed-in = { $candidate } a remis { $exam } le { $time }.
receipt-answered = { $answered } questions répondues sur { $questions }.
receipt-attempt = Copie :{" "}
receipt-code = Code du récépissé :{" "}
receipt-keep = Notez-les ou photographiez-les : le centre peut les vérifier à tout moment dans le registre infalsifiable de l'examen.
