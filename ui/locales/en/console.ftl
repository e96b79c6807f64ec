# Examhall (en): console.
# Every message here must also be in each other language's file (a test checks).

## The room console
room-title = Room session
room-default-name = Lab 1
room-created = Session for { $exam } in { $room } created. Check candidates in, then open it.
room-reason-pause = paused by the invigilator
room-reason-resume = resumed
room-reason-extend = extra time
room-reason-unlock = unlocked from the console
room-target-whole-room = the whole room
room-action-sent = { $kind } sent to { $target }.
room-closed-notice = Session closed. Its results are queued for sync.
room-report-saved = Room report (attendance, times, the room log) saved: { $path }
room-state-planned = Planned: candidates cannot start yet
room-state-open = Open
room-state-closed = Closed
room-counts = { " · " }{ $expected } expected · { $running } in progress · { $submitted } submitted
room-planned-help = Check the candidates in below, then open the session: the start code appears for you to read out.
room-open = Open the session
room-start-code = Start code (read it out):{ " " }
room-pin-label = Invigilator code for locked seats:{ " " }
room-pin-hide = hide
room-pin-show = show
room-reason = Reason{ " " }
room-reason-example = fire alarm, power cut, …
room-minutes = Minutes{ " " }
room-pause-all = Pause the room
room-resume-all = Resume the room
room-close = Close the session
room-print = Print the room report (attendance list and log)
room-col-candidate = Candidate
room-col-seat = Seat
room-col-check-in = Check-in
room-col-status = Status
room-col-progress = Progress
room-col-time-left = Time left
room-col-alerts = Alerts
room-col-actions = Actions
room-log = Room log
room-log-line = { $time } · { $kind }{ $category }{ $who }: { $detail }

## A seat's row
room-status-absent = Absent
room-status-not-started = Not started
room-status-time-up = Submitted (time up)
room-time-up-count = { $count ->
    [one] One candidate was handed in by the clock when their time ran out.
   *[other] { $count } candidates were handed in by the clock when their time ran out.
  }
room-time-over-count = { $count ->
    [one] One candidate's time ran out at a silent seat and nothing was handed in: move them to a spare seat, which hands the attempt in at once from the room's copy.
   *[other] { $count } candidates' time ran out at silent seats and nothing was handed in: move them to spare seats, which hand the attempts in at once from the room's copy.
  }
room-status-submitted = Submitted
room-status-locked = Locked
room-status-paused = Paused
room-status-in-progress = In progress
room-alert-silent = silent { $secs } s
room-alert-focus-lost = left the exam window ×{ $count }
room-alert-close-asked = asked to close the exam ×{ $count }
room-alert-time-nearly-up = { $minutes } min left
room-alert-time-over = time over { $minutes } min ago, not handed in
room-alert-locked = locked: unlock needed
room-alert-paused = paused
room-seat-of = Seat of { $username }
room-attendance-of = Attendance of { $username }
room-attendance-expected = Expected
room-attendance-present = Present
room-attendance-late = Late
room-attendance-absent = Absent
room-id-checked-of = ID of { $username } checked
room-id-checked = { " " }ID
room-progress = { $answered } of { $total } answered
room-progress-flagged = , { $flagged } flagged
room-saved-at = saved { $time }
room-heard-at = heard { $time }
room-copy-whole = copied { $time }
room-copy-behind = copy { $events } behind
room-seat-pause = Pause
room-seat-resume = Resume
room-seat-extend = Extend
room-seat-submit = Hand in now…
room-seat-submit-confirm = Confirm: hand in
room-seat-void = Void for misconduct…
room-seat-void-confirm = Confirm: void
room-void-needs-reason = Type what was seen, and by whom, in the Reason box first: the attempt is handed in and marked void with it.
room-submit-needs-reason = Type the reason in the Reason box first: handing in an attempt is recorded with it.
room-seat-move = Move to a spare seat…
room-seat-move-confirm = Confirm: move
room-move-needs-reason = Type the reason in the Reason box first: a move is recorded with it.
room-move-sent = { $username } is being moved: sign them in at a spare seat with the start code; their answers follow.
room-seat-moving = Moving: sign in at a spare seat
room-seat-moved-from = moved from { $seat }
room-seat-unlock = Unlock

## The downtime ledger
room-ledger = Downtime ledger
room-ledger-item = { $username }: the seat was down for { $secs } s. Credit { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
  }?
room-ledger-credit = Credit
room-ledger-dismiss = Dismiss

## Offline unlock and incidents
room-offline-unlock-label = Unlock a seat that cannot reach the console
room-offline-unlock = Unlock a seat offline
room-challenge = Challenge shown on the seat
room-get-unlock-code = Get the unlock code
room-type-at-seat = Type at the seat:{ " " }
room-incident = Record an incident
room-incident-who = Who
room-incident-whole-room = The whole room
room-incident-category = Category
room-category-environment = Environment
room-category-candidate = Candidate
room-category-staff = Staff
room-category-technical = Technical
room-incident-text = What happened
room-incident-record = Record

## Choosing and creating a session
room-session-picker = Session{ " " }
room-session-new = — new session —
room-new-title = New room session
room-new-exam = Exam
room-new-room = Room
room-new-seats = Seats
room-new-late = Late start allowed for (minutes; empty: always)
room-create = Create the session

## Exam sittings (the invigilator's page)
inv-title = Exam sittings
inv-help = Read the start code out to the room. Issuing a new code stops the old one from starting new attempts; attempts already running carry on.
inv-loading = Loading…
inv-summary = { $questions } questions · { $minutes } minutes
inv-start-code = Start code:{ " " }
inv-no-sitting = No sitting is open.
inv-new-code = Issue a new start code
inv-open-sitting = Open a sitting

## Sync with HQ
sync-title = Sync with HQ
sync-loading = Loading…
sync-enrolled = Enrolled. Packages arrive with the next sync.
sync-exported = Wrote { $attempts } attempts to { $file } (and the manifest { $manifest }).
sync-package-opened = { $exam } is open: candidates start with code { $code }.
sync-not-enrolled = Not enrolled with HQ: this machine works on its own. An administrator can enrol it with a token from HQ.
sync-server = HQ or centre hub address
sync-server-example = https://hq.example:8000
sync-token = Enrolment token
sync-device-name = This machine's name
sync-device-name-example = Lab 1, seat 12
sync-enrol = Enrol
sync-online = online
sync-offline = offline
sync-details = { " · " }centre { $centre } · { $server } · device { $device }
sync-transport-pinned = HTTPS, trusting only the certificate with SHA-256 fingerprint { $fingerprint } (from the enrolment token).
sync-transport-plain = Plain HTTP, allowed on this machine: only on a closed lab LAN.
sync-results-label = Results waiting for HQ
sync-col-pending = Waiting to send
sync-col-synced = Confirmed by HQ
sync-col-conflicts = Refused by HQ
sync-col-last-success = Last success
sync-never = never
sync-last-error = Last error ({ $time }): { $error }
sync-relay = Relay: { $pending } result batches held for HQ, { $forwarded } forwarded, { $refused } with attempts HQ refused.
sync-packages = Exam packages
sync-packages-none = None received yet.
sync-col-exam = Exam
sync-col-candidates = Candidates
sync-col-received = Received
sync-package-open = open
sync-start-code = Start code{ " " }
sync-open = Open
sync-folder = Export results to a folder (a USB stick)
sync-folder-example = /media/usb
sync-export = Export results and manifest

## First run: setting up the centre
setup-title = Set up this centre
setup-intro = This computer has no accounts yet. Create the first administrator; they can then add everyone else.
setup-username = Username
setup-display-name = Full name
setup-password = Password (at least 8 characters)
setup-password-again = Password again
setup-passwords-differ = The two passwords differ.
setup-create = Create administrator
room-alert-start-refused = tried to start { $count } × ({ $reason })
room-new-check-in = Candidates must be checked in before they can start
room-new-check-in-help = Recommended. A candidate not marked present or late is refused at the seat and told to ask you; this console lists who tried.
room-check-in-on = Check-in gates the start: only candidates marked present or late can start.
room-check-in-off = Check-in does not gate the start in this session.
room-refused = Refused starts
room-refused-line = { $time } · { $username } { $device } — { $reason }
inv-schedule = Schedule (optional)
inv-schedule-help = Leave these empty to open the sitting now with no closing time. Times are this machine's.
inv-opens-at = Opens at
inv-closes-at = Closes at
inv-late-limit = Late starts allowed for (minutes after the opening)
inv-window-opens = Opens { $when }
inv-window-open-since = Open since { $when }
inv-window-closes = closes { $when }
inv-window-no-close = no closing time
inv-window-late = late starts up to { $minutes } min after the opening
inv-window-no-late = late starts at any time
inv-upcoming = Upcoming
inv-close-sitting = Close the sitting
inv-closed = The sitting is closed: its code no longer starts anyone. Attempts already running carry on.
inv-opened = Sitting opened. Start code: { $code }
inv-bad-time = { $field }: enter a date and a time.
inv-bad-minutes = Late starts: enter a whole number of minutes, or leave it empty.
room-package = The seats sit package { $package }.
room-package-none = Nothing is published to the seats for this session yet.
room-publish = Publish the exam to the seats
room-published = Published package { $package } for centre { $centre }: the seats take it at their next call (within a minute), under this session's start code.
seats-title = Seats of this room
seats-help = Each lab desktop enrols once with a token from here: on the seat, run examhall --hub https://THIS-HUB:PORT --enrolment-token TOKEN --seat-name "Lab 1, seat 7". A token works once, for 24 hours.
seats-count = Seats to enrol
seats-count-invalid = Seats to enrol: a whole number from 1 to 100.
seats-issue = Issue tokens
seats-issued = { $count } tokens issued, valid until { $expires }.
seats-tokens-once = Copy or print these now: they are shown only once and stored only as hashes.
seats-print = Print the tokens (strips to cut)
seats-printed = Token sheet saved to { $path }
seats-enrolled = Enrolled seats ({ $count })
seats-none = No seat has enrolled with this machine yet.
seats-col-name = Seat
seats-col-enrolled = Enrolled
seats-col-seen = Last seen
seats-col-version = App version
seats-kind-hub = hub
seats-kind-seat = seat
seats-seen-now = { $time } (online)
seats-seen-ago = { $time } ({ $minutes } min ago)
seats-never-seen = not yet
seats-revoke = Revoke
seats-revoke-confirm = Revoke: click again to confirm
seats-revoked = { $name } is revoked: its calls are refused from now on. Results it already signed still count.
seats-revoked-at = revoked { $time }
