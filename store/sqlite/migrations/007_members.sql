-- The channel's member count when the round was posted (0: not known),
-- for HR's participation rate.
ALTER TABLE rounds ADD COLUMN members INTEGER NOT NULL DEFAULT 0;
