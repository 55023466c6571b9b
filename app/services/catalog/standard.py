"""The standard course catalog that `flask catalog load` writes (updated by course code), each
course described in English and in Spanish (`description_es`, shown on Spanish pages)."""

BLS_TOPICS = ["adult_cpr", "child_cpr", "infant_cpr", "aed", "team_cpr", "bag_valve_mask"]

STANDARD_COURSES: list[dict] = [
    {
        "code": "BLS-HCP", "family": "bls", "title": "AHA BLS for Healthcare Providers",
        "level": "healthcare_provider", "topics": BLS_TOPICS,
        "guidelines": ["AHA", "ECC", "ILCOR"], "validity_months": 24,
        "expiry_rule": "end_of_month", "format": "classroom", "duration_minutes": 270,
        "default_capacity": 12, "price_cents": 8500, "renewal": False,
        "instructor_course": False,
        "description": "CPR at the healthcare-provider level: high-quality CPR for adults, "
                       "children and infants, AED use, team resuscitation and bag-mask "
                       "ventilation. For nurses, EMTs, physicians, dentists and students.",
        "description_es": "RCP para profesionales de la salud: RCP de alta calidad en adultos, "
                          "niños y lactantes, uso del DEA, reanimación en equipo y ventilación "
                          "con bolsa-mascarilla. Para personal de enfermería, técnicos en "
                          "emergencias médicas, médicos, odontólogos y estudiantes.",
    },
    {
        "code": "BLS-HCP-R", "family": "bls", "title": "AHA BLS for Healthcare Providers (Renewal)",
        "level": "healthcare_provider", "topics": BLS_TOPICS,
        "guidelines": ["AHA", "ECC", "ILCOR"], "validity_months": 24,
        "expiry_rule": "end_of_month", "format": "classroom", "duration_minutes": 180,
        "default_capacity": 12, "price_cents": 7000, "renewal": True,
        "instructor_course": False,
        "description": "A shorter class for holders of a current or recently expired BLS card.",
        "description_es": "Una clase más breve para quienes tienen una tarjeta BLS vigente o "
                          "vencida recientemente.",
    },
    {
        "code": "BLS-SKILLS", "family": "bls",
        "title": "AHA BLS HeartCode (online part plus skills check)",
        "level": "healthcare_provider", "topics": BLS_TOPICS,
        "guidelines": ["AHA", "ECC", "ILCOR"], "validity_months": 24,
        "expiry_rule": "end_of_month", "format": "blended", "duration_minutes": 60,
        "default_capacity": 6, "price_cents": 9000, "renewal": False,
        "instructor_course": False,
        "description": "Finish the AHA online part at home, then a hands-on skills session here.",
        "description_es": "Complete la parte en línea de la AHA desde su casa y luego asista "
                          "aquí a una sesión de habilidades prácticas.",
        "online_course_url": "https://elearning.heart.org/course/437",
        "what_to_bring": "Your HeartCode BLS completion certificate (printed or on your phone) "
                         "and comfortable clothes for kneeling on the floor.",
    },
    {
        "code": "ARC-BLS", "family": "bls",
        "title": "Red Cross CPR for the Professional Rescuer and Healthcare Providers (BLS)",
        "level": "healthcare_provider", "topics": BLS_TOPICS,
        "guidelines": ["ARC", "ILCOR"], "validity_months": 24,
        "expiry_rule": "exact_date", "format": "classroom", "duration_minutes": 300,
        "default_capacity": 12, "price_cents": 8500, "renewal": False,
        "instructor_course": False,
        "description": "The American Red Cross equivalent of BLS: healthcare-provider CPR for "
                       "adults, children and infants, AED and bag-valve-mask.",
        "description_es": "El equivalente de BLS de la Cruz Roja Americana: RCP para "
                          "profesionales de la salud en adultos, niños y lactantes, DEA y "
                          "ventilación con bolsa-válvula-mascarilla.",
    },
    {
        "code": "HS-CPR-AED", "family": "heartsaver_cpr", "title": "AHA Heartsaver CPR AED (adult)",
        "level": "lay_rescuer", "topics": ["adult_cpr", "aed"],
        "guidelines": ["AHA", "ECC", "ILCOR"], "validity_months": 24,
        "expiry_rule": "end_of_month", "format": "classroom", "duration_minutes": 180,
        "default_capacity": 12, "price_cents": 6500, "renewal": False,
        "instructor_course": False,
        "description": "Lay-rescuer CPR and AED for adults: for workplaces, gyms and anyone "
                       "who wants to be ready.",
        "description_es": "RCP y uso del DEA en adultos para rescatistas legos: para lugares "
                          "de trabajo, gimnasios y cualquier persona que quiera estar "
                          "preparada.",
    },
    {
        "code": "HS-PEDS-FA-CPR", "family": "pediatric_first_aid_cpr",
        "title": "AHA Heartsaver Pediatric First Aid CPR AED",
        "level": "lay_rescuer",
        "topics": ["adult_cpr", "child_cpr", "infant_cpr", "aed", "first_aid"],
        "guidelines": ["AHA", "ECC", "ILCOR"], "validity_months": 24,
        "expiry_rule": "end_of_month", "format": "classroom", "duration_minutes": 420,
        "default_capacity": 12, "price_cents": 9500, "renewal": False,
        "instructor_course": False,
        "description": "First aid and CPR for children and infants (and adults): for daycare, "
                       "preschool and camp staff, teachers, coaches and babysitters.",
        "description_es": "Primeros auxilios y RCP en niños y lactantes (y también en "
                          "adultos): para el personal de guarderías, preescolares y "
                          "campamentos, docentes, entrenadores y niñeras.",
    },
    {
        "code": "ARC-FA-CPR-AED", "family": "first_aid",
        "title": "Red Cross Adult and Pediatric First Aid/CPR/AED",
        "level": "lay_rescuer",
        "topics": ["adult_cpr", "child_cpr", "infant_cpr", "aed", "first_aid"],
        "guidelines": ["ARC", "ILCOR", "OSHA"], "validity_months": 24,
        "expiry_rule": "exact_date", "format": "classroom", "duration_minutes": 330,
        "default_capacity": 12, "price_cents": 9000, "renewal": False,
        "instructor_course": False,
        "description": "The Red Cross's full lay-rescuer class: first aid and CPR/AED for all "
                       "ages; meets OSHA workplace first-aid training expectations.",
        "description_es": "La clase completa de la Cruz Roja para rescatistas legos: primeros "
                          "auxilios y RCP/DEA para todas las edades; cumple con lo que OSHA "
                          "espera de la capacitación en primeros auxilios en el lugar de "
                          "trabajo.",
    },
    {
        "code": "BBP", "family": "bloodborne_pathogens",
        "title": "Bloodborne Pathogens (OSHA 29 CFR 1910.1030)",
        "level": "lay_rescuer", "topics": ["bloodborne_pathogens"],
        "guidelines": ["OSHA"], "validity_months": 12,
        "expiry_rule": "exact_date", "format": "classroom", "duration_minutes": 90,
        "default_capacity": 20, "price_cents": 4000, "renewal": False,
        "instructor_course": False,
        "description": "The annual training OSHA's Bloodborne Pathogens Standard requires: "
                       "exposure control plan, modes of transmission, PPE, hepatitis B "
                       "vaccination, what to do after an exposure.",
        "description_es": "La capacitación anual que exige la norma de OSHA sobre patógenos "
                          "transmitidos por la sangre: plan de control de exposición, vías de "
                          "transmisión, equipo de protección personal (EPP), vacunación contra "
                          "la hepatitis B y qué hacer después de una exposición.",
    },
    {
        "code": "BLS-INSTR", "family": "bls", "title": "AHA BLS Instructor Course",
        "level": "healthcare_provider", "topics": BLS_TOPICS,
        "guidelines": ["AHA", "ECC", "ILCOR"], "validity_months": 24,
        "expiry_rule": "end_of_month", "format": "classroom", "duration_minutes": 480,
        "default_capacity": 8, "price_cents": 45000, "renewal": False,
        "instructor_course": True,
        "description": "For current BLS providers who want to teach BLS: AHA instructor "
                       "methods, skills testing and course administration.",
        "description_es": "Para proveedores de BLS con tarjeta vigente que deseen enseñar BLS: "
                          "métodos de instrucción de la AHA, evaluación de habilidades y "
                          "administración de cursos.",
    },
]
