"""Services of the applications app, one module per concern.

numbering (number and query code), status (the one transition and its lock),
drafts (create, fill in, who may edit), materials (provide, remove, file
access), time_limits, submission (submit and create-and-submit, every
channel), acceptance (accept, one-time notice, refuse), withdrawal, decision
(decide, deliver, archive), timers (what the system does when a stored date
passes: deemed acceptance, lapsed supplement), form_ids
(sealed ID numbers of a form), notify (messages to the applicant), people
(real-name identity, enterprises, agent authorisations).
"""
