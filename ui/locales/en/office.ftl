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

## Marking essays
marking-title = Essays awaiting marking ({ $count })
marking-essay-info = { $candidate } · { $exam } · up to { $max } marks
marking-no-answer = (no answer)
marking-mark = Mark
marking-comment = Comment
marking-save = Save mark
marking-nothing = Nothing to mark.
marking-saved = Mark saved; the result has been updated.
marking-not-a-number = { $text } is not a mark: type a number.

## Correcting an answer key
regrade-title = Correct an answer key
regrade-question = Question
regrade-correct-option = Correct option
regrade-choose = Choose…
regrade-current-key = { $option } (current key)
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
regrade-applied = Key corrected; { $count } attempt(s) are being regraded.

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
