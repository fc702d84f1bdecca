"""The original backend's REST contract (ORIGINAL_BACKEND_DOC.txt), written out once for every test."""

#: the document's example start-interview body
ORIGINAL_START = {
    "field": "Software Engineering",
    "interview_type": "Technical",
    "difficulty": 5,
    "total_rounds": 3,
    "resume": "...",
    "job_description": "...",
}
ORIGINAL_ANSWER = "Candidate response..."
#: the structured scoring keys, in the document's order
FEEDBACK_KEYS = ("score", "communication_score", "technical_score", "confidence_score", "strengths", "weaknesses")
NEXT_KEYS = {"feedback", "interview_complete", "next_question", "current_round", "average_score"}
FINAL_KEYS = {"feedback", "interview_complete", "final_report", "average_score"}
SUMMARY_KEYS = {"total_rounds", "completed_rounds", "average_score", "score_history", "difficulty_current"}
