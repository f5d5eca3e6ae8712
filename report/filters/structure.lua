--[[
structure.lua: document structure rules shared by both render engines
(Quarto runs it as a user filter, before its own crossref and numbering;
the built-in engine runs it first).

1. A Div with class `shift-headings` (attribute `shift`, default 1) lowers the
   headings inside it by that many levels and is then unwrapped. report.qmd
   wraps appendix parts in it: part Markdown starts at `##`, but appendices
   sit one level deeper ("Bijlagen" > "Bijlage A" > part headings).
2. Headings below an unnumbered heading are unnumbered too, so a summary or
   appendix never shows numbers such as "0.1".
3. A reference to an unnumbered section (`@sec-bijlage-simulatie`) becomes a
   link that carries the section's title. It has no number to show: Typst
   refuses to compile such a reference and Quarto cannot label it, so it
   must not reach either engine's cross-referencing.
4. References to numbered sections are resolved here too, so both engines use
   the same words: "Hoofdstuk 2" for a chapter, "Paragraaf 3.2" below it.
   (Quarto would write "Paragraaf" for every level, from its Dutch language
   file.) HTML gets a link with the word and number; Typst gets a native
   reference, and the heading supplements in ckm-report.typ supply the words.
5. Typst only, so that the PDF does not depend on how a Quarto version
   writes headings: Quarto 1.7 up to 1.9.17 wrap `.unnumbered` headings in
   `#block[...]` and drop their labels, so a page break in the heading's
   show rule fails ("pagebreaks are not allowed inside of containers") and
   links to them break. Hence (a) unnumbered headings are written here as
   pandoc's Typst writer writes them, `#heading(level: n, numbering: none)`
   with the label, and (b) a chapter break (`#ckm-chapter-break()`, from
   ckm-report.typ) goes in front of every level-1 heading as a block of its
   own.
6. Typst only: a Div with class `key-figures` (the summary's key figures)
   becomes a plain framed block (`#ckm-key-figures[...]` from ckm-report.typ);
   HTML draws the box with CSS (.key-figures in report.css).
7. Typst only: the ids of the tables estimated to take at most 65 % of the
   text area go to the metadata (`whole-tables`), so ckm-report.typ keeps them
   whole without measuring them; it measures the others (whole up to 70 %).
   Measuring every table took a third of the PDF's layout time. The estimate
   is generous, not a bound: 1.9 mm per character (about 0.6 em at 9 pt;
   Libertinus averages under 0.5 em), columns without a width an equal share
   of 80 % of the text width, 4.6 mm per line and 3 mm per row, 16 mm for the
   caption. In the 2024 report a table's real height is at most 0.73 of its
   estimate; one marked whole would have to be 1.5 times its estimate to run
   off a page, and at worst a table of 65 to 70 % is kept whole.
8. Typst only: `--`, `...` and `-?` left in the text (input text, escaped) are
   written escaped, so that Typst prints them as they are, not as its
   shorthands for dashes, an ellipsis and a soft hyphen; so are `=`, `-`, `+`,
   `/` and `1.` at the start of a block (a table cell), which Typst reads as a
   heading, a list or a term.
]]

local is_typst = FORMAT == 'typst'
local SECTION_WORD = { [1] = 'Hoofdstuk' } -- deeper levels: 'Paragraaf'

local function shift_headings(div)
  if not div.classes:includes('shift-headings') then
    return nil
  end
  local by = tonumber(div.attributes['shift'] or '1') or 1
  return div.content:walk({
    Header = function(h)
      h.level = math.min(h.level + by, 6)
      return h
    end,
  })
end

local function propagate_unnumbered(blocks)
  local stack = {}
  return blocks:walk({
    Header = function(h)
      while #stack > 0 and stack[#stack].level >= h.level do
        table.remove(stack)
      end
      local inherited = false
      for _, parent in ipairs(stack) do
        if parent.unnumbered then inherited = true end
      end
      if inherited and not h.classes:includes('unnumbered') then
        h.classes:insert('unnumbered')
      end
      table.insert(stack, { level = h.level, unnumbered = h.classes:includes('unnumbered') })
      return h
    end,
  })
end

-- Every section with an id: its title, and for numbered ones the number as
-- pandoc's --number-sections and Typst's "1.1" numbering count it.
local function collect_sections(blocks)
  local sections, counters = {}, { 0, 0, 0, 0, 0, 0 }
  blocks:walk({
    Header = function(h)
      local numbered = not h.classes:includes('unnumbered')
      local number = nil
      if numbered then
        counters[h.level] = counters[h.level] + 1
        for i = h.level + 1, 6 do counters[i] = 0 end
        local parts = {}
        for i = 1, h.level do parts[#parts + 1] = tostring(counters[i]) end
        number = table.concat(parts, '.')
      end
      if h.identifier ~= '' then
        sections[h.identifier] = { title = h.content, number = number, level = h.level }
      end
    end,
  })
  return sections
end

local function section_link(section, id)
  if section.number == nil then
    return pandoc.Link(section.title, '#' .. id)
  end
  if is_typst then
    return pandoc.RawInline('typst', '@' .. id)
  end
  local word = SECTION_WORD[section.level] or 'Paragraaf'
  return pandoc.Link({ pandoc.Str(word), pandoc.Space(), pandoc.Str(section.number) },
    '#' .. id, '', { class = 'quarto-xref' })
end

local function resolve_section_refs(blocks)
  local sections = collect_sections(blocks)
  return blocks:walk({
    Cite = function(c)
      local any = false
      for _, citation in ipairs(c.citations) do
        if sections[citation.id] ~= nil then any = true end
      end
      if not any then return nil end
      -- Split the citation: sections resolved here, other keys (figures,
      -- tables) stay references of their own for the engine's crossref.
      local out = pandoc.Inlines({})
      for i, citation in ipairs(c.citations) do
        if i > 1 then out:extend({ pandoc.Str(','), pandoc.Space() }) end
        local section = sections[citation.id]
        if section ~= nil then
          if #citation.prefix > 0 then out:extend(citation.prefix); out:insert(pandoc.Space()) end
          out:insert(section_link(section, citation.id))
          out:extend(citation.suffix)
        else
          out:insert(pandoc.Cite({ pandoc.Str('@' .. citation.id) }, { citation }))
        end
      end
      return out
    end,
  })
end

-- Between the titles written in one go (see typst_titles); never in a title.
local TITLE_BREAK = 'ckmtitlebreak7f3a'   -- letters only: it is a Lua pattern too

-- The unnumbered headings' titles in document order, as pandoc's Typst writer escapes them:
-- one writer call for all (a call per heading cost more than the rest of this filter).
local function typst_titles(blocks)
  local parts = pandoc.Blocks({})
  blocks:walk({
    Header = function(h)
      if h.classes:includes('unnumbered') then
        parts:insert(pandoc.Plain(h.content))
        parts:insert(pandoc.RawBlock('typst', TITLE_BREAK))
      end
    end,
  })
  local titles = {}
  if #parts == 0 then return titles end
  local text = pandoc.write(pandoc.Pandoc(parts), 'typst')
  for piece in text:gmatch('(.-)' .. TITLE_BREAK) do
    titles[#titles + 1] = piece:gsub('^%s+', ''):gsub('%s+$', '')
  end
  if #titles ~= #parts // 2 then
    -- A title that holds the marker itself: one writer call per title after all.
    titles = {}
    for i = 1, #parts, 2 do
      titles[#titles + 1] = pandoc.write(pandoc.Pandoc({ parts[i] }), 'typst'):gsub('%s+$', '')
    end
  end
  return titles
end

local function typst_unnumbered_heading(h, title)
  -- The label lets links find the heading.
  local label = h.identifier ~= '' and ('\n<' .. h.identifier .. '>') or ''
  return pandoc.RawBlock('typst',
    '#heading(level: ' .. h.level .. ', numbering: none)[' .. title .. ']' .. label)
end

local function typst_headings(blocks)
  local titles, next_title = typst_titles(blocks), 0
  blocks = blocks:walk({
    Header = function(h)
      if h.classes:includes('unnumbered') then
        next_title = next_title + 1   -- both walks meet the headings in the same order
        return typst_unnumbered_heading(h, titles[next_title])
      end
    end,
  })
  local out = pandoc.Blocks({})
  for _, block in ipairs(blocks) do
    local level1 = (block.t == 'Header' and block.level == 1)
      or (block.t == 'RawBlock' and block.text:match('^#heading%(level: 1,') ~= nil)
    if level1 then
      out:insert(pandoc.RawBlock('typst', '#ckm-chapter-break()'))
    end
    out:insert(block)
  end
  return out
end

local function key_figures_box(div)
  if not div.classes:includes('key-figures') then return nil end
  local out = pandoc.List({ pandoc.RawBlock('typst', '#ckm-key-figures[') })
  out:extend(div.content)
  out:insert(pandoc.RawBlock('typst', ']'))
  return out
end

-- Millimetres, for 9 pt table text on the A4 text area of ckm-report.typ.
local TABLE = { width = 160, char = 1.9, line = 4.6, row_pad = 3.0, caption = 16, area = 242 }

local function estimated_height(tbl)
  local columns = #tbl.colspecs
  local function share(i)
    local width = tbl.colspecs[i][2]
    if type(width) == 'number' and width > 0 then return width end
    return 0.8 / columns
  end
  local function row_height(row)
    local lines, column = 1, 1
    for _, cell in ipairs(row.cells) do
      local span = cell.col_span or 1
      local fraction = 0
      for i = column, math.min(column + span - 1, columns) do fraction = fraction + share(i) end
      column = column + span
      local per_line = math.max(1, math.floor(fraction * TABLE.width / TABLE.char))
      local count = 0
      for _, block in ipairs(cell.contents) do
        for piece in (pandoc.utils.stringify(block) .. '\n'):gmatch('(.-)\n') do
          count = count + math.max(1, math.ceil(#piece / per_line))
        end
      end
      lines = math.max(lines, count)
    end
    return lines * TABLE.line + TABLE.row_pad
  end
  local height = TABLE.caption
  for _, row in ipairs(tbl.head.rows) do height = height + row_height(row) end
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.head) do height = height + row_height(row) end
    for _, row in ipairs(body.body) do height = height + row_height(row) end
  end
  for _, row in ipairs(tbl.foot.rows) do height = height + row_height(row) end
  return height
end

local function whole_tables(blocks)
  local ids = pandoc.List({})
  local limit = 0.65 * TABLE.area
  blocks:walk({
    Table = function(tbl)
      local rows = #tbl.head.rows + #tbl.foot.rows
      for _, body in ipairs(tbl.bodies) do rows = rows + #body.head + #body.body end
      -- Too many rows for the limit even at one line each: measured by Typst, no need to read the cells.
      if tbl.identifier ~= '' and TABLE.caption + rows * (TABLE.line + TABLE.row_pad) <= limit
          and estimated_height(tbl) <= limit then
        -- Raw: the template writes it inside a Typst string, where pandoc's escaping of `_` would stay.
        ids:insert(pandoc.MetaInlines({ pandoc.RawInline('typst', tbl.identifier) }))
      end
    end,
  })
  return ids
end

-- Typst reads `=`, `-`, `+` and `/` at the start of a line as a heading, a list item, a numbered
-- item and a term, and `1.` as a numbered item; pandoc's Typst writer leaves them as they are at
-- the start of a table cell, where a codebook label ("= Politie", "- lijst") would become a
-- heading in the table of contents. The first character of such a block is written escaped.
local LINE_START = { ['='] = true, ['-'] = true, ['+'] = true, ['/'] = true }

local function literal_line_start(block)
  local first = block.content[1]
  if not first or first.t ~= 'Str' then return nil end
  local text = first.text
  local cut
  if LINE_START[text:sub(1, 1)] then
    cut = 1
  else
    cut = text:match('^%d+()%.')   -- "1." : the dot is escaped
    if cut and cut ~= #text then cut = nil end   -- only a number with its dot ("1.", not "1.5")
  end
  if not cut then return nil end
  local out = pandoc.List()
  if cut > 1 then out:insert(pandoc.Str(text:sub(1, cut - 1))) end
  out:insert(pandoc.RawInline('typst', '\\' .. text:sub(cut, cut)))
  if cut < #text then out:insert(pandoc.Str(text:sub(cut + 1))) end
  for i = 2, #block.content do out:insert(block.content[i]) end
  block.content = out
  return block
end

-- Typst reads `--`, `---`, `...` and `-?` in its markup as dashes, an ellipsis and a soft hyphen;
-- pandoc's Typst writer leaves them as they are. Text from the inputs is literal (`a--b` stays
-- a--b), so each such run is written with every character escaped. The report's own texts have
-- their dashes as characters already (pandoc's smart reading), so only escaped input text is left.
local SHORTHAND = { '%-%-+', '%.%.%.+', '%-%?' }

local function literal_shorthands(str)
  local text, out, from = str.text, pandoc.List(), 1
  while true do
    local first, last
    for _, pattern in ipairs(SHORTHAND) do
      local a, b = text:find(pattern, from)
      if a and (not first or a < first) then first, last = a, b end
    end
    if not first then break end
    if first > from then out:insert(pandoc.Str(text:sub(from, first - 1))) end
    out:insert(pandoc.RawInline('typst', (text:sub(first, last):gsub('.', '\\%0'))))
    from = last + 1
  end
  if #out == 0 then return nil end
  if from <= #text then out:insert(pandoc.Str(text:sub(from))) end
  return out
end

-- Input text with a shorthand in it, anywhere in the blocks: a Str holding one holds it in the
-- plain text as well, which comes from one call (cheaper than handing every Str to Lua). The plain
-- text leaves footnotes out, so their own text is looked at too.
local function any_shorthand(blocks)
  local function has(text)
    for _, pattern in ipairs(SHORTHAND) do
      if text:find(pattern) then return true end
    end
    return false
  end
  if has(pandoc.utils.stringify(blocks)) then return true end
  local found = false
  blocks:walk({ Note = function(note) found = found or has(pandoc.utils.stringify(note.content)) end })
  return found
end

function Pandoc(doc)
  -- One walk for both kinds of Div (a walk goes bottom-up, so nested ones meet the same rules).
  doc.blocks = doc.blocks:walk({
    Div = function(div)
      local shifted = shift_headings(div)
      if shifted ~= nil then return shifted end
      if is_typst then return key_figures_box(div) end
    end,
  })
  doc.blocks = propagate_unnumbered(doc.blocks)
  doc.blocks = resolve_section_refs(doc.blocks)
  if is_typst then
    local shorthands = any_shorthand(doc.blocks)
    if shorthands then
      -- Unnumbered headings' titles are written as Typst next (typst_headings): made literal first.
      doc.blocks = doc.blocks:walk({ Header = function(h) return h:walk({ Str = literal_shorthands }) end })
    end
    doc.blocks = typst_headings(doc.blocks)
    doc.meta['whole-tables'] = whole_tables(doc.blocks)
    doc.blocks = doc.blocks:walk({ Plain = literal_line_start, Para = literal_line_start })
    if shorthands then
      doc.blocks = doc.blocks:walk({ Str = literal_shorthands })   -- after the tables' estimate, which reads Str
    end
  end
  return doc
end
