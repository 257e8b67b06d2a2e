/** @module Seed text for the prose word chain: plain ASCII sentences. Its only job is to make generated output read like language. */

/** Sentences of explanatory prose. Only letters, spaces, commas and full stops: every word boundary is a tokenizer pre-token boundary. */
export const PROSE_CORPUS = `
The short answer is that it depends on the shape of the workload and on what you want to measure.
In most cases the simplest approach is also the most reliable one, so it is worth starting there.
A good first step is to write down the question you are trying to answer before you change anything.
When the system is under load, requests wait in a queue until there is room in the running batch.
Each step of the engine processes a fixed budget of tokens, and long prompts are split into smaller chunks.
This means that a single long request can slow down every other request that shares the same step.
The cache keeps the attention state of recent prompts, so a repeated prefix does not have to be computed again.
If the cache is full, the newest request is paused and its work is done again later.
You can think of the server as a kitchen where every order is cooked a little at a time.
The important thing is to keep the measurements honest and to compare them with a known baseline.
Here is a simple plan that you can follow, and you can adjust it as you learn more about the problem.
First, collect a small set of examples that show the behaviour you care about.
Second, run each example several times and record the time to the first token and the time between tokens.
Third, look at the results together and decide which change gives the largest improvement for the least effort.
There are a few common mistakes that are easy to avoid once you know about them.
One of them is to measure only the average, which hides the slow requests that users actually notice.
Another one is to change several settings at once, which makes it hard to know what helped.
It is also useful to keep a written record of every experiment, even the ones that did not work.
Over time this record becomes a map of the system that new members of the team can read.
In practice the best results come from small steps, clear questions and careful notes.
The model reads the whole prompt first, then it writes the answer one token at a time.
Because of this, the first token usually takes longer than the tokens that follow it.
A larger batch makes each step slower, but the server finishes more work in the same amount of time.
Most teams find a balance between speed for each user and the total number of users they can serve.
If you have any other questions about this topic, I would be happy to help.
Let me know if you would like a more detailed example or a different point of view.
The data shows a clear pattern, and the pattern is stable across the runs we have seen so far.
To make the result easier to use, it helps to put the main numbers in a short table.
The same idea works for a small service on one machine and for a large service across many machines.
A careful design keeps the common path simple and moves the rare cases to the edges.
`;
