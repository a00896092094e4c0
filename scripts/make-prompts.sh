#!/bin/sh
# Regenerate ringto's shipped voice prompts: src/ringto/prompts/<lang>/<name>.wav,
# 8 kHz mono 16-bit PCM (the G.711 rate). Needs espeak-ng and sox
# (apt-get install espeak-ng sox). The output is committed, so only run this when a
# text below changes.
set -eu
out="$(cd "$(dirname "$0")/.." && pwd)/src/ringto/prompts"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

say() {  # say LANG VOICE NAME TEXT
    mkdir -p "$out/$1"
    espeak-ng -v "$2" -s 150 -w "$tmp/raw.wav" "$4"
    sox -R -D "$tmp/raw.wav" -r 8000 -c 1 -b 16 -e signed-integer "$out/$1/$3.wav" norm -3
}

for lang in en nl bg; do
    mkdir -p "$out/$lang"
    # A 1 kHz tone of 0.4 s, the same in every language.
    sox -R -D -n -r 8000 -c 1 -b 16 -e signed-integer "$out/$lang/beep.wav" synth 0.4 sine 1000 vol 0.5
done

say en en-gb recorded "This call is recorded."
say en en-gb voicemail-greeting "Please leave a message after the tone."
say en en-gb menu "Please make your choice."
say en en-gb menu-invalid "That is not a valid choice."
say en en-gb menu-timeout "We did not receive your choice."
say en en-gb closed "We are closed now. Please call again during our opening hours."
say en en-gb suspended "This number is not available."

say nl nl recorded "Dit gesprek wordt opgenomen."
say nl nl voicemail-greeting "Spreek na de toon uw bericht in."
say nl nl menu "Maak uw keuze."
say nl nl menu-invalid "Dat is geen geldige keuze."
say nl nl menu-timeout "We hebben uw keuze niet ontvangen."
say nl nl closed "We zijn nu gesloten. Belt u ons alstublieft tijdens onze openingstijden."
say nl nl suspended "Dit nummer is niet beschikbaar."

say bg bg recorded "Този разговор се записва."
say bg bg voicemail-greeting "Моля, оставете съобщение след сигнала."
say bg bg menu "Моля, направете своя избор."
say bg bg menu-invalid "Това не е валиден избор."
say bg bg menu-timeout "Не получихме вашия избор."
say bg bg closed "В момента не работим. Моля, обадете се отново в работно време."
say bg bg suspended "Този номер не е достъпен."
