# Examhall: what a candidate sees (sign-in, My exams, the exam window, the result).
# Every message here must also be in each other language's file (a test checks).

## The frame
app-starting = Starting…
app-sign-out = Sign out
language-label = Language

## Sign-in
login-title = Sign in
login-username = Username
login-password = Password
login-submit = Sign in
login-busy = Signing in…

## My exams
exams-title = My exams
exams-loading = Loading your exams…
exams-desktop-only = Exams are sat on the Examhall desktop app in the exam room. This browser console is for staff.
exams-none = No exam is open for you on this computer yet. When the invigilator opens the session, it appears here.
exams-start-code = Start code from the invigilator
exams-start-code-example = e.g. K7M2PQ
exams-start = Start exam
exams-not-opened = Not opened by an invigilator yet.
exams-resume = Resume exam
exams-view-result = View result
exams-summary = { $questions ->
    [one] 1 question
   *[other] { $questions } questions
  } · { $minutes } minutes

## The exam window
exam-opening = Opening your exam…
exam-time-left = Time left
exam-saved-all = All answers saved
exam-saved = Saved ✓
exam-copied = Copied to the room ✓
exam-copying = Copying to the room…
exam-copy-refused = Not copied to the room: { $why }
exam-saving = Saving…
exam-not-saved = Not saved yet: { $reason } Retrying…
exam-question-of = Question { $number } of { $count } · { $n ->
    [one] { $marks } mark
   *[other] { $marks } marks
  }
exam-previous = ← Previous
exam-next = Next →
exam-flag = ⚐ Flag for review
exam-flagged = ⚑ Flagged for review
exam-submit-open = Submit exam…
exam-display = Display
exam-text-smaller = A− Smaller text
exam-text-larger = A+ Larger text
exam-text-size = Text { $percent } %
exam-high-contrast = High contrast
exam-reading-guide = Reading guide
exam-shortcuts = Keys: Alt+N next · Alt+P previous · Alt+F flag · Alt+S submit · Tab moves
exam-shortcuts-forward = Keys: Alt+N next · Alt+F flag · Alt+S submit · Tab moves
exam-forward-only = This exam goes forward only: you cannot return to a question once you leave it.
exam-left-window = You left the exam window. This is recorded and shown to the invigilator.
exam-section = Section { $number } of { $count }: { $title }
exam-back-to-exam = Back to the exam
exam-warning-10 = 10 minutes left or less.
exam-warning-5 = 5 minutes left or less: make sure your answers are in.
exam-announce-minutes = { $minutes ->
    [one] One minute left.
   *[other] { $minutes } minutes left.
  }
exam-paused-title = The invigilator has paused the exam
exam-paused-text = Your time is stopped and your answers so far are saved. Please wait quietly; the exam continues when the invigilator resumes it.
exam-paused-left = Time left: { $time }
exam-close-title = Close the exam window?
exam-close-text = Your answers are saved. If an invigilator runs this room, closing the window needs their code, and the seat stays locked until they unlock it.
exam-code = Invigilator's code
exam-keep-working = Keep working
exam-close-confirm = Close the window
exam-confirm-title = Submit your exam?
exam-confirm-unanswered = Unanswered questions: { $list }
exam-confirm-flagged = Flagged for review: { $list }
exam-confirm-none = none
exam-confirm-final = After submitting you cannot change your answers.
exam-confirm-submit = Submit now
exam-questions-nav = Questions
exam-nav-question = Question { $number }
exam-nav-answered = , answered
exam-nav-not-answered = , not answered
exam-nav-flagged = , flagged
exam-nav-current = , current
exam-nav-behind = , already passed

## Answer controls
answer-choose-one = Choose one answer
answer-choose-all = Choose all that apply
answer-true-false = True or false
answer-true = True
answer-false = False
answer-number = Your answer (a number)
answer-text = Your answer
answer-essay = Your essay
answer-match = Match each item with an answer
answer-match-choose = — Choose —
answer-order = Put the items in order
answer-order-hint = Use Move up and Move down to put the items in order, first at the top. Your order counts as an answer once you have moved an item.
answer-order-up = Move up
answer-order-down = Move down
answer-order-up-label = Move up: { $item } (position { $position } of { $count })
answer-order-down-label = Move down: { $item } (position { $position } of { $count })
answer-order-moved = “{ $item }” is now at position { $position } of { $count }.
answer-cloze = Fill in the gaps
answer-gap = Gap { $number }
answer-gap-number = Gap { $number } (a number)
answer-gap-choose = — choose —

## The locked seat
lock-title = This seat is locked
lock-text = The exam app stopped during "{ $exam }". Your saved answers are safe. Please raise your hand: the invigilator will unlock this seat.
lock-challenge = Challenge for the invigilator:
lock-unlock = Unlock

## The result
result-title = Result
result-loading = Loading…
result-grading = Submitted. Your answers are being marked…
result-withheld = Submitted. Your results will be released after review.
result-score = { $total } / { $max } marks ({ $percent }%)
result-void = This attempt was declared void for misconduct: { $reason }. It does not count; the score below is kept for the record.
result-pass = Pass
result-fail = Not passed
result-pass-mark = { " · " }pass mark { $percent }%
result-provisional = { " · " }provisional: written answers await marking
result-question = Question
result-marks = Marks
result-outcome = Outcome
result-marker = Marker: { $comment }
result-back = Back to my exams
outcome-correct = correct
outcome-partial = partly correct
outcome-incorrect = incorrect
outcome-unanswered = not answered
outcome-voided = void: full marks to all
outcome-awaiting = awaiting marking

## Choosing a new password
app-change-password = Change password
password-title = Choose a new password
password-forced = You signed in with a one-time password. Choose your own password now; you cannot do anything else first.
password-one-time = One-time password
password-current = Current password
password-new = New password
password-rule = 8 to 128 characters.
password-again = New password again
password-mismatch = The two new passwords are not the same.
password-save = Save the new password
password-back = Back
receipt-title = Receipt
receipt-handed-in = { $candidate } handed in { $exam } on { $time }.
receipt-answered = { $answered } of { $questions } questions answered.
receipt-attempt = Attempt:{" "}
receipt-code = Receipt code:{" "}
receipt-keep = Write these down or photograph them: the centre can check them against the exam's tamper-evident record at any time.
