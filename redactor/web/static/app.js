// Click a segment's time to play the redacted audio from there.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button.time");
  const player = document.getElementById("player");
  if (!button || !player) return;
  player.currentTime = Number(button.dataset.start) || 0;
  player.play();
});
