# Examhall (en): office.
# Every message here must also be in each other language's file (a test checks).

## Staff: exams and attempts
staff-exams = Exams
staff-exam = Exam
staff-questions = Questions
staff-statistics = Statistics
staff-attempts = Attempts
staff-loading = Loading…
staff-no-attempts = No attempts yet.
staff-candidate = Candidate
staff-status = Status
staff-score = Score
staff-result = Result
staff-status-in-progress = in progress
staff-status-submitted = submitted, marking
staff-status-graded = graded
staff-percent = { $percent }%
staff-pass = pass
staff-not-passed = not passed
staff-void-column = Void or resit
staff-resit = Reset for a resit…
staff-resit-reason = Why the candidate sits again
staff-resit-confirm = Confirm: reset
staff-resit-is = reset for a resit: { $reason }
staff-resit-needs-reason = Type why the candidate sits again: the old attempt is kept with the reason.
staff-void = Void…
staff-void-reason = What was seen, and by whom
staff-void-confirm = Confirm: void
staff-void-cancel = Cancel
staff-void-is = void: { $reason }
staff-void-needs-reason = Type what was seen, and by whom: a void attempt is recorded with the reason.

## Marking essays
marking-title = Essays awaiting marking ({ $count })
marking-essay-info = { $candidate } · { $exam } · up to { $max } marks
marking-no-answer = (no answer)
marking-guidance = Marking guidance
marking-mark = Mark
marking-comment = Comment
marking-save = Save mark
marking-nothing = Nothing to mark.
marking-saved = Mark saved; the result has been updated.
marking-not-a-number = { $text } is not a mark: type a number.

## Correcting an answer key
regrade-title = Correct a question after the exam
regrade-question = Question
regrade-action = Correction
regrade-action-key = Change the key
regrade-action-void = Void this question (full marks to all)
regrade-voided-label = { $question } (void)
regrade-void-note = Every candidate who got this question gets its full marks, whatever they answered. Hand marks on it are set aside.
regrade-accepted-options = Options given full marks (tick a second one to accept it as well)
regrade-right-options = Right options
regrade-correct-option = Correct answer
regrade-value = Value
regrade-tolerance = Tolerance (±)
regrade-accepted-text = Accepted answers, one per line (* matches anything)
regrade-case-sensitive = Case counts
regrade-json-only = This type's key is corrected in the key's JSON below.
regrade-json = The key as JSON (advanced)
regrade-key-unread = The key does not read yet: see the message above the reason.
regrade-reason = Reason
regrade-preview = Preview
regrade-summary = { $changed } score(s) change; { $passing } candidate(s) would now pass and { $failing } would now fail (pass mark { $percent }%).
regrade-candidate = Candidate
regrade-now = Now
regrade-after = After
regrade-pass-mark = Pass mark
regrade-now-passes = now passes
regrade-now-fails = now fails
regrade-apply = Apply and regrade
regrade-applied = Correction on record; { $count } attempt(s) are being regraded.

## Printing and exporting
reports-title = Print and export
reports-summary-pdf = Summary PDF
reports-sheets-pdf = All result sheets (PDF)
reports-room-pdf = Room report PDF
reports-results-csv = Results CSV
reports-items-csv = Item analysis CSV
reports-workbook-xlsx = Workbook (XLSX)
reports-busy-summary = Printing the summary…
reports-busy-room = Printing the room report…
reports-busy-results = Exporting results…
reports-busy-items = Exporting the item analysis…
reports-busy-workbook = Exporting the workbook…
# Followed by the file's path.
reports-saved-to = Saved to{ " " }
reports-printing = Printing result sheets: { $done } of { $total }
reports-cancel = Cancel
reports-cancelled = Printing was cancelled; no file was written.

## Exam statistics
analysis-title = { $exam }: statistics
analysis-computing = Computing…
analysis-back = Back
analysis-not-available = n/a
analysis-percent = { $percent }%
analysis-graded-attempts = Graded attempts
analysis-mean = Mean
analysis-median = Median
analysis-sd-long = Standard deviation
analysis-range = Lowest – highest
analysis-pass-rate = Pass rate
analysis-pass-rate-value = { $rate }% (pass mark { $mark }%)
analysis-skewness = Skewness
analysis-kurtosis = Kurtosis
analysis-alpha = Cronbach's α
analysis-error-ratio = Error ratio
analysis-standard-error = Standard error
analysis-provisional = { $count } attempt(s) have essays awaiting marking: their totals, and these figures, are provisional.
analysis-distribution = Distribution of totals
analysis-histogram-label = Histogram of total marks
analysis-bin-title = { $from }–{ $to }: { $count } attempts
analysis-by-sitting = By sitting
analysis-legend-mean = ● mean score
analysis-legend-pass-rate = ● pass rate
analysis-trend-label = Mean score and pass rate per sitting
analysis-trend-mean = Sitting { $sitting } ({ $opened }): mean { $mean }%, { $count } attempts
analysis-trend-pass-rate = Sitting { $sitting }: pass rate { $rate }%
analysis-items = Items
analysis-question = Question
analysis-facility = Facility
analysis-sd = SD
analysis-discrimination = Discrimination
analysis-efficiency = Efficiency
analysis-flags = Flags
analysis-option-key = Option (✓ = key)
analysis-top-group = Top group
analysis-bottom-group = Bottom group
analysis-everyone = Everyone
analysis-distractors-title = Options chosen by the top and bottom 27% ({ $count ->
    [one] { $count } candidate
   *[other] { $count } candidates
  } each)

## Staff navigation
staffnav-label = Staff pages
staffnav-results = Results
staffnav-bank = Question bank
staffnav-builder = Exam builder
staffnav-users = Accounts
users-new = New account
users-intro = Create an account for a candidate, an invigilator, a teacher or another administrator. Give the person their username and initial password.
users-role = Role
users-username = Username
users-display-name = Name shown and printed
users-initial-password = Initial password
users-create = Create account
users-created = Created { $username } ({ $role }).
users-list = Accounts at this centre
users-loading = Loading…
users-role-candidate = Candidate
users-role-invigilator = Invigilator
users-role-teacher = Teacher
users-role-admin = Administrator
users-candidate-number = Candidate number
users-email = Email (optional)
users-state = State
users-actions = Actions
users-state-active = Active
users-state-awaiting-approval = Awaiting approval
users-approve = Approve
users-approve-label = Approve { $username }
users-approved = { $username } is approved and can sign in.
users-state-disabled = Disabled
users-state-new-password = Must choose a password
users-search = Search
users-filter-role = Role
users-all-roles = All roles
users-show-disabled = Show disabled accounts
users-edit = Edit
users-edit-label = Edit { $username }
users-reset = Reset password
users-reset-label = Reset password of { $username }
users-disable = Disable
users-disable-label = Disable { $username }
users-enable = Enable
users-enable-label = Enable { $username }
users-unblock = Lift sign-in block
users-unblock-label = Lift sign-in block on { $username }
users-confirm-reset = Reset the password of { $username }? Their sessions end now and they get a one-time password.
users-confirm-disable = Disable { $username }? They are signed out everywhere at once and cannot sign in until enabled.
users-confirm = Confirm
users-cancel = Cancel
users-reset-done = The password of { $username } was reset.
users-otp-for = One-time password for { $username } ({ $name }):
users-otp-once = It is shown only now. Give it to the person; they must choose their own password when they sign in.
users-otp-close = I have noted it
users-disabled = { $username } is disabled.
users-enabled = { $username } is enabled again.
users-unblocked = { $count ->
    [0] { $username } was not blocked.
   *[other] The sign-in block on { $username } was lifted.
  }
users-edit-title = Account { $username }
users-save = Save changes
users-saved = Saved the changes to { $username }.
users-history = Changes to this account
users-history-self = the user
roster-title = Import accounts from a CSV file
roster-intro = A header line names the columns: username and display_name (required), candidate_number, role (candidate, invigilator, teacher or admin; default candidate), time_multiplier (1.0 to 4.0), display_preset (text125…text200, high-contrast, reading-guide, joined with +) and email. UTF-8, with commas or semicolons. Existing accounts are updated; new ones get one-time passwords.
roster-file = CSV file
roster-valid-only = Import the valid rows even if some rows are bad
roster-check = Check the file
roster-import = Import
roster-no-file = Choose a CSV file first.
roster-busy = Working… new accounts get their one-time passwords hashed, which takes a moment per account.
roster-checked = The check found: { $created } to create, { $updated } to update, { $unchanged } unchanged, { $bad } bad rows. Nothing is imported yet.
roster-refused = Nothing was imported: { $bad } bad rows. Fix them, or import the valid rows only.
roster-done = Imported: { $created } created, { $updated } updated, { $unchanged } unchanged, { $bad } bad rows left out.
roster-at-column = { $file } line { $line }, column { $column }:
roster-at-line = { $file } line { $line }:
roster-print-slips = Print { $count } login slips
roster-slips-saved = Login slips saved to { $path }

## The question bank: import
bank-title = Question bank
import-title = Import questions
import-file = Question file
import-format = Format
import-format-gift = GIFT
import-format-aiken = Aiken
import-format-moodle = Moodle XML
import-format-qti = QTI 2.1 (item .xml or package .zip)
import-format-csv = CSV
import-format-json = JSON (Examhall)
import-reading = Reading the file…
import-checking = Checking the file…
import-importing = Importing…
import-unreadable = { $file } could not be read: { $reason }
# Kept in this exact form in English: the end-to-end tests read it.
import-summary = { $questions ->
        [one] 1 question read
       *[other] { $questions } questions read
    }, { $errors ->
        [one] 1 error
       *[other] { $errors } errors
    }
import-warning-line = Warning, { $location }: { $message }
import-error-line = { $location }: { $message }
import-items = Questions read from the file
import-all = Import all
import-valid = Import the { $valid ->
        [one] valid question
       *[other] { $valid } valid questions
    } ({ $skipped } skipped)
import-done = Imported { $imported ->
        [one] 1 question
       *[other] { $imported } questions
    } ({ $skipped } skipped)

## The question bank: the list
bank-list-title = Questions in the bank
bank-new = New question
bank-search = Search
bank-type = Type
bank-all-types = All types
bank-tag = Tag
bank-all-tags = All tags
bank-show-archived = Show archived
bank-categories = Categories
bank-all-categories = All categories
bank-no-category = (no category)
bank-empty = No question matches.
bank-col-question = Question
bank-col-type = Type
bank-col-category = Category
bank-col-tags = Tags
bank-col-marks = Marks
bank-col-version = Version
bank-version = v{ $version }
bank-archived = archived
bank-preview = Preview
bank-hide-preview = Hide preview
bank-duplicate = Duplicate
bank-archive = Archive
bank-restore = Restore
bank-edit = Edit
bank-duplicated = Copied as { $label }.
bank-archived-done = { $label } is archived: new exams cannot use it.
bank-restored-done = { $label } is back in the bank.
bank-error-field = { $field }: { $message }

## The question bank: writing and editing
bank-new-title = New question
bank-edit-title = Edit question { $id }
bank-field-id = Question id
bank-field-title = Title
bank-field-category = Category (levels separated by /)
bank-field-tags = Tags (separated by commas)
bank-field-marks = Marks
bank-field-prompt = Question text
bank-save = Save question
bank-cancel = Cancel
bank-saved = Saved { $label }.
bank-saved-new-version = Saved { $label } as version { $version }; exams built before keep the earlier version.
bank-bad-id = { $text } is not a question id: use 1 to 64 letters, digits, - or _.
bank-bad-marks = { $text } is not a number of marks.
bank-bad-kind = The answer key is not a question type in JSON: { $reason }

## Question types
qtype-single-choice = Single choice
qtype-multiple-response = Multiple response
qtype-true-false = True/false
qtype-numeric = Numeric
qtype-short-text = Short text
qtype-essay = Essay
qtype-weighted-single = Single choice (weighted)
qtype-weighted-multiple = Multiple response (weighted)
qtype-numeric-set = Numeric (several answers)
qtype-text-set = Short text (weighted answers)
qtype-matching = Matching
qtype-ordering = Ordering
qtype-cloze = Text with gaps
qtype-calculated = Calculated (numbers per attempt)

## A question as the candidate sees it
preview-read-only = Preview (read-only)
preview-marks = { $n ->
    [one] { $marks } mark
   *[other] { $marks } marks
  }
preview-number = Question { $number } · { $n ->
    [one] { $marks } mark
   *[other] { $marks } marks
  }

## The exam builder
builder-title = Exam builder
builder-settings = Settings
builder-exam-title = Title
builder-duration = Duration (minutes)
builder-pass = Pass mark (%)
builder-release = Results
builder-release-immediately = Shown as soon as graded
builder-release-after-review = Released after review
builder-negative = Negative marking
builder-shuffle-questions = Shuffle questions
builder-shuffle-options = Shuffle options
builder-allow-paste = Allow pasting
builder-warn-focus = Warn candidates who leave the exam window
builder-forward-only = Forward only (no going back)
builder-sections = Sections
builder-section = Section { $number }
builder-section-title = Section title
builder-section-instructions = Instructions
builder-section-empty = No question in this section yet.
builder-no-sections = No section yet: add one, then its questions.
builder-bank-empty = The question bank is empty: import or write questions first.
builder-add-section = Add a section
builder-remove-section = Remove this section
builder-add-fixed = Add a question…
builder-add-draw = Add a random draw
builder-remove = Remove
builder-fixed-label = Question:
builder-missing = bank question { $id } (not in the bank, or archived)
builder-draw-label = Random draw:
builder-draw-count = How many
builder-draw-category = from
builder-all-categories = All categories
builder-draw-tag = tag
builder-any-tag = Any tag
builder-pool = pool: { $count }
builder-pool-short = fewer questions than the draw asks for
builder-picker = Questions from the bank
builder-picker-search = Search the bank
builder-picker-none = No question matches.
builder-picker-more = { $count } more: narrow the search.
builder-picker-done = Done
builder-pick = Add
builder-in-section = in this section
builder-candidates = Candidates
builder-no-candidates = No candidate accounts yet.
builder-choose-all = Select all
builder-choose-none = Select none
builder-chosen = { $count ->
    [one] 1 candidate selected
   *[other] { $count } candidates selected
  }
builder-extra-time = Extra time ×
builder-preview-title = Preview as a candidate
builder-preview = Preview as candidate
builder-redraw = Another draw
builder-preview-summary = { $questions } questions · { $minutes } minutes · { $n ->
    [one] { $marks } mark
   *[other] { $marks } marks
  }
builder-publish = Publish
builder-published = Published as exam { $id }; { $count ->
    [one] 1 candidate assigned
   *[other] { $count } candidates assigned
  }.
builder-save-draft = Save draft
builder-draft-saved = Draft saved ({ $title }).
builder-drafts = Your drafts
builder-no-drafts = No saved drafts.
builder-draft-current = open here
builder-draft-open = Open
builder-draft-delete = Delete
builder-draft-deleted = Draft deleted.
builder-draft-edits = edits exam { $id }
builder-draft-updated = saved { $time }
builder-editing = You are editing published exam { $id }. Saving the changes changes it for every candidate assigned, until one of them starts it.
builder-editing-draft = You are working on a saved draft.
builder-save-changes = Save changes to the exam
builder-changed = Exam { $id } changed; { $count ->
    [one] 1 candidate assigned
   *[other] { $count } candidates assigned
  }.
verify-title = Check a receipt
verify-help = A candidate's receipt code, or the chain head printed at the foot of a result sheet, checked against the attempt's tamper-evident record.
verify-attempt = Attempt
verify-code = Receipt code or chain head
verify-check = Check
staff-edit = Edit
staff-clone = Clone
builder-bad-duration = { $text } is not a whole number of minutes.
builder-bad-pass = { $text } is not a pass mark: type a percentage.
builder-bad-count = Section { $section }, item { $item }: { $text } is not a whole number of questions to draw.
builder-bad-multiplier = { $name }: { $text } is not an extra-time factor: type a number from 1 to 4 (1.25 is 25 % more time).
staffnav-home = Today
staffnav-rooms = Rooms and sittings
home-title = Today
home-loading = Reading the centre's day…
home-today = Today at the centre · { $date }
home-in-progress = attempts in progress
home-awaiting-marking = attempts awaiting marking
home-seats-online = seats online / enrolled
home-backlog = results not yet at HQ
home-sync-not-enrolled = This machine is not enrolled with HQ: results stay here (or travel by USB stick).
home-sync-never = Enrolled with HQ, but no sync has succeeded yet.
home-sync-ok = Last sync with HQ: { $time }
home-sync-error = Sync with HQ failing: { $error }
home-sittings = Today's sittings
home-no-sittings = No sitting is open or scheduled today.
home-sitting-open = open now, no closing time
home-sitting-open-until = open until { $time }
home-sitting-opens = opens at { $time }
home-sitting-no-more-starts = open, but late starts are over
home-rooms = Rooms
home-no-rooms = No room session is planned or open.
home-col-room = Room
home-col-exam = Exam
home-col-state = State
home-col-counts = Candidates
home-room-counts = { $expected } expected · { $running } running · { $submitted } submitted
home-go-rooms = Go to rooms and sittings

## One exam's candidates
staff-candidates = Candidates
cands-title = Candidates: { $title }
cands-count = { $count ->
    [one] One candidate assigned.
   *[other] { $count } candidates assigned.
}
cands-number = Candidate number
cands-extra-time = Time multiplier
cands-text-size = Text size
cands-display = Display
cands-display-standard = standard
cands-display-text = text { $percent } %
cands-display-contrast = high contrast
cands-display-guide = reading guide
cands-not-started = not started
cands-result-visible = visible to the candidate
cands-result-held = held for review
cands-edit = Change accommodations
cands-unassign = Unassign
cands-release = Release result
cands-save = Save
cands-cancel = Cancel
cands-multiplier-invalid = The time multiplier is a number from 1 to 4, such as 1.25.
cands-saved = Accommodations of { $name } saved.
cands-unassigned = { $name } no longer sits this exam.
cands-released-one = The result of { $name } is released: they can read it now.
cands-released-all = { $count ->
    [one] Results released for the whole exam: one more candidate can read theirs now, and results graded later are shown at once.
   *[other] Results released for the whole exam: { $count } more candidates can read theirs now, and results graded later are shown at once.
}
cands-held-info = This exam holds results until they are reviewed: candidates see them once you release them, one by one or for everyone.
cands-release-all = Release results for everyone
cands-released-for-exam = Results are released for the whole exam: candidates read theirs as soon as they are graded.
cands-none = Nobody is assigned to this exam yet.
cands-add = Assign candidates
cands-add-info = Each candidate gets the time multiplier and display on their account; change them above until the candidate starts.
cands-search = Search by name, username or number
cands-more = { $count } more: narrow the search.
cands-assign = { $count ->
    [one] Assign one candidate
   *[other] Assign { $count } candidates
}
cands-assigned = { $count ->
    [one] One candidate assigned.
   *[other] { $count } candidates assigned.
}
cands-history = Changes to the assignments
cands-history-when = When
cands-history-by = By
cands-history-what = Change
cands-history-values = Time multiplier · display
cands-history-assigned = assigned
cands-history-changed = accommodations changed
cands-history-unassigned = unassigned
cands-history-system = (automatic: a roster, the command line or an open exam)

users-accommodations = Accommodations
users-accommodations-info = Applied to every exam this candidate is assigned to from now on; an assignment can still be changed on the exam's candidates until the candidate starts.
roster-progress = Making the one-time passwords: { $done } of { $total }

## HQ's screen
staffnav-hq = HQ
hq-title = HQ: centres, packages and devices
hq-loading = Loading HQ's centres…
hq-not-hq = This machine is not HQ: it signs no packages and enrols no centres.
hq-enrol-title = Enrol a centre's hub or desktop
hq-enrol-help = A one-time token for one machine of a centre, valid for seven days. Give it to whoever sets the machine up; a hub starts with it (examhall serve --upstream … --enrolment-token …), a desktop enters it on its sync panel. Through a hub: for a desktop that will reach HQ through that centre's hub.
hq-centre = Centre
hq-via-hub = Through the hub
hq-via-hub-none = Directly to HQ
hq-enrol-submit = Issue a token
hq-token-issued = A token for centre { $centre }, valid until { $expires }. It is shown once:
hq-publish-title = Publish an exam to a centre
hq-publish-help = The exam goes to the centre's machines as a sealed package; its questions open only with the start code, which you give the invigilator on the day.
hq-exam = Exam
hq-publish-choose-exam = Choose an exam
hq-candidates = Candidates (usernames)
hq-publish-submit = Publish the package
hq-published = Package { $package } is published to { $centre }.
hq-start-code = Start code (shown once):
hq-packages-title = Packages published
hq-no-packages = No package has been published yet.
hq-col-candidates = Candidates
hq-col-held = Attempts at HQ
hq-col-published = Published
hq-col-check = Check
hq-reconcile = Reconcile
hq-reconcile-label = Reconcile { $title } at { $centre }
hq-recon-title = Reconciliation: { $title } at { $centre }
hq-recon-complete = Complete: every candidate is accounted for
hq-recon-incomplete = Not complete: some candidates are not accounted for
hq-recon-lines = Every candidate of the package
hq-col-candidate = Candidate
hq-col-status = Status
hq-col-room = Room
hq-col-evidence = Evidence
hq-recon-absent = Absent
hq-recon-never-started = Never started
hq-recon-in-progress = In progress
hq-recon-moved = Moved
hq-recon-submitted = Submitted
hq-recon-graded = Graded
hq-recon-missing = Missing
hq-devices-title = Enrolled hubs and desktops
hq-no-devices = No machine has enrolled yet.
hq-col-device = Machine
hq-col-kind = Kind
hq-col-enrolled = Enrolled
hq-col-seen = Last call
hq-col-action = Action
hq-kind-hub = Hub
hq-kind-desktop = Desktop
hq-seen-ago = { $minutes } min ago
hq-never-seen = Never
hq-revoke = Revoke
hq-revoke-confirm = Confirm revoke
hq-revoke-label = Revoke { $name }
hq-revoked-at = Revoked { $time }
hq-incidents-title = Sync incidents
hq-no-incidents = Nothing was refused.
hq-col-when = When
hq-col-attempt = Attempt
hq-col-detail = Detail
hq-col-received = Attempts received
hq-tokens-title = Enrolment tokens
hq-col-token = Token
hq-col-issued = Issued
hq-token-used = Used by { $device }
hq-token-open = Unused, valid until { $expires }
hq-token-expired = Expired or withdrawn
hq-withdraw = Withdraw
hq-withdraw-label = Withdraw token { $token }

staff-review = Review
review-title = { $candidate }: { $exam }
review-started = Started { $at }
review-total = { $total } / { $max } marks
review-not-graded = not graded yet
review-chain-ok = The log's { $count } events verify (chain head { $head }).
review-chain-bad = The log does not verify: { $problem }
review-questions = Questions and answers
review-question = Question
review-answer = Answer
review-key = Key
review-marks = Marks
review-outcome = Outcome
review-mark = Mark
review-remark = Re-mark
review-remark-reason = Why the mark changes
review-mark-saved = Mark saved; the result and the log are updated.
review-events = What happened, in order
review-at = Time
review-event = Event
review-detail = Detail
review-back = Back to results
event-started = started
event-answer-set = answer saved
event-flagged = flag
event-navigated = went to question
event-resumed = resumed after a stop
event-clock-went-backwards = clock went backwards
event-moved = moved to a spare seat
event-paused = paused
event-unpaused = pause ended
event-extended = time added
event-locked = locked
event-unlocked = unlocked
event-unlock-refused = wrong unlock code
event-focus-lost = left the exam window
event-close-asked = asked to close the window
event-submitted = handed in
event-graded = graded
event-essay-marked = essay marked
event-voided = void
event-superseded = reset for a resit
event-regraded = regraded after a correction
event-unreadable = unreadable event

qform-type = Question type
qform-type-json = (its key as JSON)
qform-type-single-choice = Single choice
qform-type-multiple-response = Multiple response
qform-type-true-false = True or false
qform-type-numeric = Number
qform-type-short-text = Short text
qform-type-essay = Essay
qform-type-matching = Matching
qform-type-ordering = Ordering
qform-type-cloze = Text with gaps (cloze)
qform-json-only = This question's key is one the forms do not show; edit it as JSON below.
qform-options-single = Options (mark the right one)
qform-options-multiple = Options (tick the right ones)
qform-option = Option { $n }
qform-right = Option { $n } is right
qform-remove = Remove
qform-add-option = Add an option
qform-partial = Partial credit (wrong ticks take marks off) rather than all or nothing
qform-right-answer = Right answer
qform-value = Right value
qform-tolerance = Tolerance (±, empty for exact)
qform-range = Accept any number in a range instead
qform-from = From
qform-to = To (both ends included)
qform-accepts = Accepts every number from { $from } to { $to }.
qform-accepts-exact = Accepts exactly { $value }.
qform-guidance = Marking guidance: what markers look for (markers see it; candidates never do)
qform-accepted = Accepted answers, one per line (* matches anything)
qform-case-sensitive = Case counts
qform-essay-note = A teacher marks essays; there is no key to set.
qform-pairs = Pairs: each item and its answer
qform-pair-item = Item { $n }
qform-pair-answer = Answer { $n }
qform-add-pair = Add a pair
qform-distractors = Extra answers that match nothing, one per line
qform-items = The items in the right order, one per line
qform-by-position = A share of the marks for each item in its place (rather than all or nothing)
qform-cloze = The text, with each gap in double brackets
qform-cloze-hint = [[Paris|paris]] a word (alternatives with |, * matches anything); [[# 9.81 ± 0.1]] a number; [[# 9.7 .. 9.9]] any number in a range; [[? *Paris | Rome]] a choice, the right option marked *.
qform-gap-add = Add a gap
qform-gap-type = Kind of gap
qform-gap-word = A word or phrase
qform-gap-number = A number
qform-gap-choice = A choice from a list
qform-gap-accepted = Accepted answers, one per line (* matches anything)
qform-gap-right = The right option
qform-gap-wrong = The wrong options, one per line
qform-gap-insert = Insert the gap at the cursor
qform-penalty = Marks lost for a wrong answer (with negative marking)
qform-image = Add an image to the text (at most 300 KB)
qform-image-not-image = { $file } is not an image.
qform-image-too-big = { $file } is { $kb } KB; an image may be at most { $max } KB.
qform-json = The key as JSON (advanced)
qform-preview = As the candidate will see it
qform-preview-waiting = The preview appears once the question reads.
bank-bad-field = { $message }
bank-bad-penalty = { $text } is not a penalty: a number 0 or more.
marking-blind = Blind marking: show a code instead of the candidate's name until the mark is saved
marking-blind-code = answer { $code }
marking-marked-now = Marked just now
marking-marked-line = { $code }: { $candidate }, { $mark }
bank-export = Export
bank-export-moodle = Moodle XML
bank-export-gift = GIFT
bank-export-qti = QTI 2.1 package (.zip)
bank-export-json = Examhall JSON (keeps everything)
bank-export-all = Export the whole bank
bank-export-category = Export { $category }
bank-exported = Saved: { $path }
builder-feedback = Feedback to candidates
builder-feedback-never = Never
builder-feedback-with-results = With their results (each answer's and the question's)
qform-option-feedback = Feedback for option { $n } (optional)
qform-general-feedback = General feedback, shown with the result when the exam gives feedback (optional)
save-copy = Save a copy as…
save-copy-title = Save a copy of the report
save-copy-done = Copy saved to { $path }
