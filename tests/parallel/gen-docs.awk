# Generate N news-like JSON Lines records of our own invented text:
#   awk -v n=600 -f gen-docs.awk
# Deterministic (a fixed linear congruential sequence, not rand()), so every
# awk gives the same documents.  Each record is {"id": "doc-NNNN", "text": ...}
# with a headline, a blank line and three to six paragraphs mixing numbers,
# names, attributed, vaguely sourced and unsourced sentences, some non-ASCII
# letters and curly quotes.
function rnd(k) { seed = (seed * 69069 + 1) % 4294967296; return int(seed / 65536) % k }
function pick(arr, cnt) { return arr[rnd(cnt) + 1] }
function sentence(   t, who, org, place, num) {
  who = pick(people, np); org = pick(orgs, no); place = pick(places, nl)
  num = (rnd(900) + 10) "." rnd(10)
  t = rnd(9)
  if (t == 0) return org " said profits rose by " num "% to \\u00a3" (rnd(90) + 2) "m in the year to March."
  if (t == 1) return "According to " who ", about " (rnd(40) + 2) ",000 people live in " place "."
  if (t == 2) return "Experts say the cost could reach more than $" (rnd(9) + 1) " billion by " (2027 + rnd(8)) "."
  if (t == 3) return "Between " rnd(30) " and " (rnd(30) + 31) " per cent of voters in " place " back the plan, media reports suggest."
  if (t == 4) return "\\u201cWe will not give up,\\u201d " who " told reporters in " place " on " pick(days, 7) "."
  if (t == 5) return "The " org " employs " (rnd(9000) + 100) " staff and was founded in " (1900 + rnd(120)) "."
  if (t == 6) return "Prices in " place " have fallen for " (rnd(11) + 2) " months in a row."
  if (t == 7) return who ", head of the " org ", said the figures were \\\"deeply worrying\\\"."
  return "Some " (rnd(3) + 1) " million tonnes of grain were shipped from " place " last year, the ministry said."
}
BEGIN {
  if (n == "") n = 600
  seed = 20261121
  np = split("Ana Lisboa-Kerr|Jérôme Daubié|Oskar Müller-Brandt|Tessa Ngata|Ravi Chandrapal|Maud Ellery|Kwame Osei-Lund|Lena Østergaard", people, "|")
  no = split("Harbour Board|Fenwick Water Company|Institute of Grain Studies|Alder Bank|Civic Party|Union of Bus Drivers|Marrin Council|Skyloft", orgs, "|")
  nl = split("Kellmouth|Dorvale|Saint-Aurèle|Lower Wenning|Brennick|Asterby|Valmora|Port Amberley", places, "|")
  split("Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday", days, "|")
  for (i = 1; i <= n; i++) {
    text = pick(orgs, no) " warns of " (rnd(40) + 2) "% rise in " pick(places, nl) "\\n\\n"
    paras = rnd(4) + 3
    for (p = 0; p < paras; p++) {
      sents = rnd(3) + 1
      for (s = 0; s < sents; s++) text = text (s ? " " : "") sentence()
      if (p < paras - 1) text = text "\\n\\n"
    }
    printf "{\"id\": \"doc-%04d\", \"text\": \"%s\"}\n", i, text
  }
}
